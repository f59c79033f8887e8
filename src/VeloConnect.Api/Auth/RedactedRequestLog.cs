using System.Diagnostics;
using System.Text;

namespace VeloConnect.Api.Auth;

/// <summary>
/// The API's request log, in place of ASP.NET Core's (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c>, raised to Warning
/// in Program.cs), which writes every query string whole: a signed link's <c>?token=</c> (or a refused
/// <c>?access_token=</c>) would reach the console and OpenTelemetry. This one writes the method, path, status and time,
/// and the query with the values of credential-like parameters replaced by <c>[redacted]</c>.
/// </summary>
public sealed partial class RedactedRequestLog(RequestDelegate next, ILogger<RedactedRequestLog> logger)
{
    public const string Redacted = "[redacted]";

    private static readonly HashSet<string> Secret = new(StringComparer.OrdinalIgnoreCase)
    {
        "token", ApiKeyAuthenticationHandler.AccessTokenParameter, "key", "api_key", "apikey", "signature", "sig", "ticket",
    };

    public async Task InvokeAsync(HttpContext context)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            LogRequest(logger, context.Request.Method, context.Request.Path.Value ?? "", Redact(context.Request.QueryString), context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>The query string with every credential-like parameter's value replaced.</summary>
    public static string Redact(QueryString query)
    {
        if (!query.HasValue)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var pair in query.Value!.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = pair.Split('=', 2)[0];
            text.Append(text.Length == 0 ? '?' : '&').Append(name);
            if (pair.Length > name.Length)
            {
                text.Append('=').Append(Secret.Contains(Uri.UnescapeDataString(name)) ? Redacted : pair[(name.Length + 1)..]);
            }
        }

        return text.ToString();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Path}{Query} answered {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, string query, int statusCode, double elapsedMs);
}
