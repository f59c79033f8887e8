using System.Globalization;

namespace VeloConnect.Api.Limits;

/// <summary>A 429: how long to wait in <c>Retry-After</c> (whole seconds, at least 1) and a ProblemDetails naming the limit met and what to do.</summary>
public sealed record TooManyRequests(TimeSpan RetryAfter, string Title, string Detail) : IResult
{
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await httpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = Title,
                Detail = Detail,
                Extensions = { ["retryAfterSeconds"] = RetryAfterSeconds },
            },
        });
    }
}
