namespace VeloConnect.Contracts.Contacts;

/// <summary>One valid item of a bulk request, by its index in the request.</summary>
[GenerateSerializer, Immutable, Alias("velo.BulkItem")]
public sealed record BulkItem(
    [property: Id(0)] int Index,
    [property: Id(1)] ContactWrite Contact);

/// <summary>What happened to one item of a bulk request (<see cref="BulkStatus"/>).</summary>
[GenerateSerializer, Immutable, Alias("velo.BulkItemResult")]
public sealed record BulkItemResult(
    [property: Id(0)] int Index,
    [property: Id(1)] string Status,
    [property: Id(2)] Guid? ContactId,
    [property: Id(3)] int? DuplicateOf,
    [property: Id(4)] IReadOnlyList<string> Reasons,
    [property: Id(5)] IReadOnlyList<string> Warnings)
{
    public static BulkItemResult Error(int index, IReadOnlyList<string> reasons) => new(index, BulkStatus.Error, null, null, reasons, []);
}

public static class BulkStatus
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Skipped = "skipped";
    public const string Error = "error";
}

/// <summary>
/// Applies a bulk request's items to a workspace's contacts (key: workspace id) with the import's matching and merge
/// rules, all of them in one transaction when nothing else changes those contacts meanwhile.
/// </summary>
[Alias("velo.IBulkWriterGrain")]
public interface IBulkWriterGrain : IGrainWithGuidKey
{
    [Alias("Write")]
    Task<IReadOnlyList<BulkItemResult>> WriteAsync(IReadOnlyList<BulkItem> items, Guid? userId);
}
