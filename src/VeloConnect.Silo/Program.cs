using VeloConnect.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddVeloConnectSilo();
var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
