namespace VeloConnect.Data.Contacts;

/// <summary>One row of one import, whose result a contact write records in its own transaction.</summary>
public sealed record ImportRowKey(Guid ImportId, int RowNumber);

/// <summary>
/// The lease under which one attempt applies a bulk request sent with an Idempotency-Key: the request (its row in
/// <c>bulk_requests</c>) and the attempt's token.
/// </summary>
public sealed record BulkLease(Guid RequestId, Guid Token);
