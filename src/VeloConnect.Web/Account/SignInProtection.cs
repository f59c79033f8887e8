using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace VeloConnect.Web.Account;

/// <summary>
/// What keeps a sign-in: the data-protection keys that encrypt the session cookie live in Redis (the AppHost's
/// <c>redis</c> connection), so a sign-in survives a restart of the web process and holds across replicas. Outside
/// Development the web does not start without them (keys in a container's file system die with the container); in
/// Development without Redis, ASP.NET Core's default folder of keys serves.
/// </summary>
public static class SignInProtection
{
    public const string ApplicationName = "VeloConnect.Web";
    public const string RedisConnectionName = "redis";
    public static readonly RedisKey KeysKey = "velo:web:data-protection-keys";

    public static WebApplicationBuilder AddSignInProtection(this WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName)))
        {
            builder.AddRedisClient(RedisConnectionName);
            builder.Services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
                options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), KeysKey));
        }
        else if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"The web frontend keeps its sign-in keys in Redis: set ConnectionStrings:{RedisConnectionName} (the AppHost passes it). "
                + "Without it every restart would sign everyone out.");
        }

        return builder;
    }

    /// <summary>
    /// Where a sign-in may send the browser back to: a path of this site only. Anything else (another site,
    /// <c>//host</c>, <c>/\host</c>, control characters, blank) answers the home page.
    /// </summary>
    public static string LocalReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl)
            ? url
            : "/";
}
