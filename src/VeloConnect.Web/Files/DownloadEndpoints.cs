using VeloConnect.Web.Api;

namespace VeloConnect.Web.Files;

/// <summary>
/// Files the API serves only with a key (import error reports, export files), passed through to the browser for the
/// signed-in user so a plain link downloads them. Name, type and length are the API's; the body is streamed.
/// </summary>
public static class DownloadEndpoints
{
    public const string ImportErrorsPath = "/files/imports/{0}/errors.csv";
    public const string ExportPath = "/files/exports/{0}";

    public static string ImportErrors(Guid importId) => string.Format(System.Globalization.CultureInfo.InvariantCulture, ImportErrorsPath, importId);

    public static string Export(Guid exportId) => string.Format(System.Globalization.CultureInfo.InvariantCulture, ExportPath, exportId);

    public static IEndpointRouteBuilder MapDownloadEndpoints(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/files").RequireAuthorization();
        files.MapGet("/imports/{id:guid}/errors.csv", (Guid id, HttpContext http, VeloApi api, ApiKeySource keys) =>
            PassThroughAsync(http, api, keys, $"/api/imports/{id}/errors.csv"));
        files.MapGet("/exports/{id:guid}", (Guid id, HttpContext http, VeloApi api, ApiKeySource keys) =>
            PassThroughAsync(http, api, keys, $"/api/exports/{id}/download"));
        return app;
    }

    private static async Task PassThroughAsync(HttpContext http, VeloApi api, ApiKeySource keys, string path)
    {
        keys.Use(http.User);
        HttpResponseMessage response;
        try
        {
            response = await api.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        }
        catch (ApiProblemException problem)
        {
            await Results.Problem(title: problem.Title, detail: problem.Detail, statusCode: (int)problem.Status).ExecuteAsync(http);
            return;
        }

        using (response)
        {
            http.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
            if (response.Content.Headers.ContentLength is { } length)
            {
                http.Response.ContentLength = length;
            }

            if (response.Content.Headers.ContentDisposition is { } disposition)
            {
                http.Response.Headers.ContentDisposition = disposition.ToString();
            }

            await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
    }
}
