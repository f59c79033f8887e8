using System.Text.Json.Serialization;
using VeloConnect.Contracts.Contacts;

namespace VeloConnect.Api.Contacts;

/// <summary>One item's result: its index in the request, what happened, the contact, and why (errors, skips, warnings); for a command-line import's row, its number in the file.</summary>
public sealed record BulkResultResponse(int Index, string Status, Guid? ContactId, int? DuplicateOf, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Row = null);

public sealed record BulkCountsResponse(int Created, int Updated, int Skipped, int Error);

/// <summary>The answer to a bulk request or to a command-line import's rows: the counts by status and each item's result.</summary>
public sealed record BulkResponse(BulkCountsResponse Counts, IReadOnlyList<BulkResultResponse> Results)
{
    public static BulkResponse Of(IReadOnlyList<BulkResultResponse> answer) => new(new(
        answer.Count(r => r.Status == BulkStatus.Created), answer.Count(r => r.Status == BulkStatus.Updated),
        answer.Count(r => r.Status == BulkStatus.Skipped), answer.Count(r => r.Status == BulkStatus.Error)), answer);
}
