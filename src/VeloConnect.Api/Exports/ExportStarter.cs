using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Apis;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Contacts;
using VeloConnect.ContactRules.Exports;
using VeloConnect.Contracts.Exports;
using VeloConnect.Data.Exports;
using VeloConnect.Data.Jobs;

namespace VeloConnect.Api.Exports;

/// <summary>Starting an export (the endpoint only adapts HTTP).</summary>
public sealed class ExportStarter(ExportServices services)
{
    // The list's paging parameters mean nothing to an export, which holds every contact the filter selects.
    private static readonly string[] NotForExports = ["cursor", "limit", "confirm"];

    /// <summary>Reads the format and the contact list's filters from <paramref name="query"/>, records and audits the export, starts its job, and waits briefly for a small one.</summary>
    public async Task<Results<Accepted<ExportResponse>, ValidationProblem, ProblemHttpResult>> StartAsync(CurrentUser user, IQueryCollection query, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var format = ExportFormat.Csv;
        if (query.TryGetValue("format", out var formatText) && !ExportFormats.TryParse(formatText, out format))
        {
            errors["format"] = [$"'{formatText}' is not an export format; use csv or json."];
        }

        foreach (var name in NotForExports.Where(query.ContainsKey))
        {
            errors[name] = [$"An export holds every contact the filter selects; leave out '{name}'."];
        }

        var filterQuery = new QueryCollection(query.Where(p => p.Key != "format").ToDictionary(p => p.Key, p => p.Value));
        var filter = ContactFilterReader.Read(filterQuery, await services.Fields.ListAsync(user.WorkspaceId), errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!user.IsAdmin && !filterQuery.Any(p => p.Value.Any(v => !string.IsNullOrWhiteSpace(v))))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Whole-workspace export needs an admin",
                detail: "An export without a filter holds every contact of the workspace, which only an admin key may export. Add a filter (e.g. tag=, assignedAgent=, q=) or ask an admin.");
        }

        var described = JsonSerializer.SerializeToElement(ContactFilterReader.Describe(filterQuery));
        var export = new ExportRecord(Guid.NewGuid(), user.WorkspaceId, user.UserId, format, filter, described, ExportStatus.Running,
            null, 0, null, null, services.Clock.GetUtcNow(), null, null, null);
        await services.Exports.CreateAsync(export, cancellationToken);
        await services.Keys.StampExportAsync(export.Id, user.KeyId, cancellationToken);
        await services.Audit.WriteAsync(user.WorkspaceId, user.UserId, "export.requested", "export", export.Id.ToString(),
            new Dictionary<string, object?> { ["format"] = ExportFormats.Name(format), ["filter"] = described });
        await services.Orleans.GetGrain<IExportJobGrain>(export.Id).StartAsync();

        // A small export is ready within the request's patience; a large one carries on in the background.
        var current = await JobWait.BrieflyAsync(services.Clock, async ct => (await services.Exports.GetAsync(user.WorkspaceId, export.Id, ct))!, e => e.Status == ExportStatus.Running, cancellationToken);

        return TypedResults.Accepted($"/api/exports/{export.Id}", ExportResponse.From(current, services.Signer, services.Clock.GetUtcNow(), services.Liveness));
    }
}
