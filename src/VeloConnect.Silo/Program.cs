namespace VeloConnect.Silo;

/// <summary>The silo host: grains over PostgreSQL, configured by Aspire (a named class, so tests can tell it from the API's Program).</summary>
public static class SiloProgram
{
    public static int Main(string[] args)
    {
        if (args is [DatabaseBootstrapCommand.Name, ..])
        {
            return DatabaseBootstrapCommand.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        var builder = WebApplication.CreateBuilder(args);
        builder.AddVeloConnectSilo();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.Run();
        return 0;
    }
}
