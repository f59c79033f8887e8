namespace VeloConnect.Contracts.Contacts;

/// <summary>One valid item of a bulk request, by its index in the request.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("velo.BulkItem")]
public sealed record BulkItem(
    [property: Id(0)] int Index,
    [property: Id(1)] ContactWrite Contact);

/// <summary>
/// One row of a command-line import's bulk request, read through the import's mapping: its number in the file, and
/// either its contact (with what reading it warned of: a bad phone or email left out), or the reasons it is invalid, and the earlier row of the file it duplicates (the importer reads
/// the whole file, so only it can tell).
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("velo.ImportRowItem")]
public sealed record ImportRowItem(
    [property: Id(0)] int Row,
    [property: Id(1)] ContactWrite? Contact,
    [property: Id(2)] IReadOnlyList<string> Errors,
    [property: Id(3)] int? DuplicateOf,
    [property: Id(4)] IReadOnlyList<string>? Warnings = null);

/// <summary>
/// The lease under which one attempt applies a bulk request sent with an Idempotency-Key: the request (its row in
/// <c>bulk_requests</c>) and the attempt's token. Each write of the attempt records its items' outcomes in its own
/// transaction, only while the token still holds the lease.
/// </summary>
[GenerateSerializer, Immutable, Alias("velo.BulkRequestLease")]
public sealed record BulkRequestLease(
    [property: Id(0)] Guid RequestId,
    [property: Id(1)] Guid Token);

/// <summary>What happened to one item of a bulk request (<see cref="BulkStatus"/>).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("velo.BulkItemResult")]
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
    /// <summary>
    /// Writes the valid <paramref name="items"/> and answers every item, the <paramref name="refused"/> ones (invalid,
    /// decided by the caller) included, in index order. With a <paramref name="lease"/> (a keyed request) every outcome is
    /// recorded in the transaction that applies it, and items an earlier attempt recorded are answered from their record
    /// and not applied again.
    /// </summary>
    [Alias("WriteItems")]
    Task<BulkResults> WriteAsync(BulkItems items, BulkResults refused, Guid? userId, BulkRequestLease? lease);

    /// <summary>
    /// Writes rows of a running command-line import as the import job writes a batch (its matching, merge and row
    /// records), answering each row by its number in <see cref="BulkItemResult.Index"/>. A row the import has already
    /// recorded is answered from its record and not applied again. Null when there is no such running command-line import.
    /// </summary>
    [Alias("WriteImportRows")]
    Task<BulkResults?> WriteImportRowsAsync(Guid importId, ImportRowItems rows);
}
