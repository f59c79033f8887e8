using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using VeloConnect.ContactRules.Imports;

namespace VeloConnect.Api.Imports;

/// <summary>
/// Remembers each workspace's confirmed mapping per header set in Redis, so the next file with the same headers comes
/// pre-filled (the rules' <see cref="ImportMapping"/> as JSON, as the import stores it). A cache: when Redis is down, imports work without the pre-fill (and the health check says so).
/// </summary>
public sealed partial class MappingMemory(IConnectionMultiplexer redis, ILogger<MappingMemory> logger)
{
    private static readonly TimeSpan Keep = TimeSpan.FromDays(365);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Key(Guid workspaceId, string headerSetKey) => $"velo:mapping:{workspaceId:N}:{headerSetKey}";

    public async Task<ImportMapping?> RecallAsync(Guid workspaceId, string headerSetKey)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(Key(workspaceId, headerSetKey));
            return value.HasValue ? JsonSerializer.Deserialize<ImportMapping>(value.ToString(), Json) : null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or JsonException)
        {
            LogUnavailable(logger, e.Message);
            return null;
        }
    }

    public async Task RememberAsync(Guid workspaceId, string headerSetKey, ImportMapping mapping)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(Key(workspaceId, headerSetKey), JsonSerializer.Serialize(mapping, Json), Keep);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Remembered mappings are unavailable (Redis: {Reason}); imports continue without the pre-fill")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}

/// <summary>Redis down is "degraded", not "unhealthy": everything works, only the remembered mappings are missing.</summary>
public sealed class MappingMemoryHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy("Remembered import mappings are available.");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis is unreachable: imports work, but mappings are not remembered or pre-filled until it is back.", e);
        }
    }
}
