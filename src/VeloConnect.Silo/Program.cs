namespace VeloConnect.Silo;

/// <summary>The silo host: grains over PostgreSQL, configured by Aspire (a named class, so tests can tell it from the API's Program).</summary>
public static class SiloProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddVeloConnectSilo();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.Run();
    }
}
