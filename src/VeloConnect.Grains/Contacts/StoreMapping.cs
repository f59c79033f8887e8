using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Grains.Contacts;

/// <summary>The grain contracts' messages to the data layer's plain records and back (Data knows no Orleans types).</summary>
internal static class StoreMapping
{
    public static ImportRowKey? ToStore(this ImportRowRef? row) => row is null ? null : new ImportRowKey(row.ImportId, row.RowNumber);

    public static BulkLease? ToStore(this BulkRequestLease? lease) => lease is null ? null : new BulkLease(lease.RequestId, lease.Token);

    public static OutcomeRow ToStore(this BulkItemResult result) =>
        new(result.Index, result.Status, result.ContactId, result.DuplicateOf, result.Reasons, result.Warnings);

    public static BulkItemResult ToResult(this OutcomeRow row) => new(row.Number, row.Outcome, row.ContactId, row.DuplicateOf, row.Reasons, row.Warnings);
}
