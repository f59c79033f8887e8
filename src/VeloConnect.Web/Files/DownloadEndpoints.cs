using VeloConnect.Client;
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
            PassThroughAsync(http, keys, () => api.Client.ImportErrorReportAsync(id, http.RequestAborted)));
        files.MapGet("/exports/{id:guid}", (Guid id, HttpContext http, VeloApi api, ApiKeySource keys) =>
            PassThroughAsync(http, keys, () => api.Client.DownloadExportAsync(id, http.RequestAborted)));
        return app;
    }

    private static async Task PassThroughAsync(HttpContext http, ApiKeySource keys, Func<Task<FileResponse>> download)
    {
        keys.Use(http.User);
        FileResponse file;
        try
        {
            file = await download();
        }
        catch (ApiProblemException problem)
        {
            await Results.Problem(title: problem.Title, detail: problem.Detail, statusCode: (int)problem.Status).ExecuteAsync(http);
            return;
        }

        using (file)
        {
            http.Response.ContentType = Header(file, "Content-Type") ?? "application/octet-stream";
            if (long.TryParse(Header(file, "Content-Length"), System.Globalization.CultureInfo.InvariantCulture, out var length))
            {
                http.Response.ContentLength = length;
            }

            if (Header(file, "Content-Disposition") is { } disposition)
            {
                http.Response.Headers.ContentDisposition = disposition;
            }

            await file.Stream.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
    }

    private static string? Header(FileResponse file, string name) =>
        file.Headers.FirstOrDefault(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } values
            ? string.Join(", ", values)
            : null;
}
