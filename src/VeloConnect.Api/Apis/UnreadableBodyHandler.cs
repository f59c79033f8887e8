using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace VeloConnect.Api.Apis;

/// <summary>
/// A typed JSON body (or a parameter) that cannot be read (malformed, truncated, too deep, a value of the wrong type, an array where an
/// object belongs) answers a 400 ProblemDetails that names where it went wrong and what to send, in every environment.
/// Minimal APIs throw <see cref="BadHttpRequestException"/> for it (ThrowOnBadRequest), which without this handler the
/// exception handler would answer as a 500. A text PostgreSQL cannot store (a NUL character) answers 400 too.
/// </summary>
internal sealed class UnreadableBodyHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (http.Response.HasStarted)
        {
            return false;
        }

        if (exception is Npgsql.PostgresException { SqlState: "22021" or "22P05" })
        {
            // A typed body's text with a NUL character: PostgreSQL refuses it, and the write is rolled back whole.
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = StatusCodes.Status400BadRequest, Title = "Unstorable text", Detail = "A text in the body " + StoredText.Unstorable + "." },
            });
        }

        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        http.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status400BadRequest ? "Unreadable body" : null,
                Detail = Detail(bad),
            },
        });
    }

    private static string Detail(BadHttpRequestException bad) => bad.InnerException switch
    {
        JsonException { Path: { } path } json when json.Message.Contains("could not be converted", StringComparison.Ordinal) =>
            $"The value at {path} has the wrong JSON type (or is too deep, or not a valid value of its type). Send the body as the API document (/openapi/v1.json) describes this endpoint's request, with Content-Type: application/json.",
        JsonException json =>
            $"The body could not be read: {Reason(json)}. Send a JSON object as the API document (/openapi/v1.json) describes this endpoint's request, with Content-Type: application/json.",
        _ when bad.StatusCode == StatusCodes.Status415UnsupportedMediaType =>
            "This endpoint reads JSON: send the body with Content-Type: application/json.",
        _ => $"The request could not be read ({bad.Message}); send it as the API document (/openapi/v1.json) describes this endpoint.",
    };

    /// <summary>The reader's reason without the serializer's type names.</summary>
    private static string Reason(JsonException json) =>
        json.Path is { } path ? $"{json.Message.Split(" Path:", 2)[0].TrimEnd('.')} at {path}" : json.Message;
}
