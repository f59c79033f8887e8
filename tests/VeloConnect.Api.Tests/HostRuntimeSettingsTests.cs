using System.Text.Json.Nodes;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// The runtime settings the API and the silo are built with (their runtimeconfig.json, copied next to these tests by the
/// project references): what the benchmarks measured is what a deployment runs (docs/decisions.md, "Idle workers sleep at once").
/// </summary>
public sealed class HostRuntimeSettingsTests
{
    [Theory]
    [InlineData("VeloConnect.Api")]
    [InlineData("VeloConnect.Silo")]
    public void The_hosts_run_server_gc_without_tiers_and_without_spinning_thread_pool_workers(string host)
    {
        var path = Path.Combine(AppContext.BaseDirectory, host + ".runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} is missing: the test project references {host}, whose build writes it.");
        var properties = JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!.AsObject();

        Assert.Equal(0, properties["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"]?.GetValue<int>());
        Assert.False(properties["System.Runtime.TieredCompilation"]?.GetValue<bool>());
        Assert.True(properties["System.GC.Server"]?.GetValue<bool>());
    }
}
