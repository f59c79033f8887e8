var builder = DistributedApplication.CreateBuilder(args);
builder.AddProject<Projects.VeloConnect_Api>("api");
builder.Build().Run();
