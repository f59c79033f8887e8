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

    /// <summary>The workspace's remembered reading choices (sheet, header row) that were not the defaults, newest first.</summary>
    public static string ReadingsKey(Guid workspaceId) => $"velo:mapping-readings:{workspaceId:N}";

    private const int KeptReadings = 10;

    /// <summary>Remembers a confirmed mapping's reading choice (a sheet other than the first, a header row below row 1), newest first, the last 10.</summary>
    public async Task RememberReadingAsync(Guid workspaceId, RememberedReading reading)
    {
        try
        {
            var database = redis.GetDatabase();
            var key = ReadingsKey(workspaceId);
            var value = JsonSerializer.Serialize(reading, Json);
            await database.ListRemoveAsync(key, value);
            await database.ListLeftPushAsync(key, value);
            await database.ListTrimAsync(key, 0, KeptReadings - 1);
            await database.KeyExpireAsync(key, Keep);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e.Message);
        }
    }

    public async Task<IReadOnlyList<RememberedReading>> ReadingsAsync(Guid workspaceId)
    {
        try
        {
            var values = await redis.GetDatabase().ListRangeAsync(ReadingsKey(workspaceId), 0, KeptReadings - 1);
            return [.. values.Select(v => JsonSerializer.Deserialize<RememberedReading>(v.ToString(), Json)).OfType<RememberedReading>()];
        }
        catch (Exception e) when (e is RedisException or TimeoutException or JsonException)
        {
            LogUnavailable(logger, e.Message);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Remembered mappings are unavailable (Redis: {Reason}); imports continue without the pre-fill")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}

/// <summary>How a file was read when its mapping was confirmed: its sheet (null: the first) and header row.</summary>
public sealed record RememberedReading(string? Sheet, int HeaderRow);

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
