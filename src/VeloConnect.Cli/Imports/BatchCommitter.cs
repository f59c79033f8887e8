using VeloConnect.Client;

namespace VeloConnect.Cli.Imports;

/// <summary>
/// Takes the answers of batches sent in parallel and commits them in file order: counts, the errors file (rows not
/// imported, and rows imported with warnings, as the server's error report has them), then the
/// progress file (so what the progress file calls acknowledged is always a prefix of the file whose errors are written).
/// A slot of the sender is given back only when its batch is committed, so at most that many batches are held at once.
/// </summary>
public sealed class BatchCommitter(ErrorsFile errors, ResumeState start, string progressPath, SemaphoreSlim slots, Action<int> acknowledged)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, (RowBatch Batch, BulkResponse Answer)> _answered = [];
    private int? _next;

    public ResumeState Progress { get; private set; } = start;

    /// <summary>Called before each batch is sent, in order: the first one sent is the first to commit.</summary>
    public void Sending(RowBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_gate)
        {
            _next ??= batch.Index;
        }
    }

    public void Answered(RowBatch batch, BulkResponse answer)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(answer);
        Check(batch, answer);
        lock (_gate)
        {
            _answered[batch.Index] = (batch, answer);
            while (_next is { } next && _answered.Remove(next, out var item))
            {
                Commit(item.Batch, item.Answer);
                _next = next + 1;
                slots.Release();
            }
        }
    }

    /// <summary>An answer that does not account for exactly this batch's rows must not be counted.</summary>
    public static void Check(RowBatch batch, BulkResponse answer)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(answer);
        var results = answer.Results;
        var ok = results.Count == batch.Rows.Count
            && results.Select(r => r.Index).Order().SequenceEqual(Enumerable.Range(0, batch.Rows.Count))
            && results.All(r => r.Row is null || r.Row == batch.Rows[r.Index].Row.RowNumber);
        if (!ok)
        {
            throw new InvalidOperationException(
                $"The API's answer for the rows from row {batch.FirstRow} does not match them ({results.Count} results for {batch.Rows.Count} rows); nothing of it was counted. Run the same command again to resend them.");
        }
    }

    private void Commit(RowBatch batch, BulkResponse answer)
    {
        var counts = Progress.Counts;
        foreach (var result in answer.Results.OrderBy(r => r.Index))
        {
            var row = batch.Rows[result.Index];
            counts = counts.Add(result.Status);
            var reasons = result.Reasons ?? [];
            var warnings = result.Warnings ?? [];
            if (result.Status == "error")
            {
                errors.Add(row.Row, "invalid", reasons.Concat(warnings));
            }
            else if (result.Status == "skipped")
            {
                var duplicateOf = result.DuplicateOf ?? row.DuplicateOf;
                errors.Add(row.Row, "skipped", (reasons.Count > 0 || duplicateOf is null
                    ? reasons
                    : [$"Duplicate of row {duplicateOf} (same phone or email); only the first is imported."]).Concat(warnings));
            }
            else if (warnings.Count > 0)
            {
                // Imported with warnings (a bad phone or email left out, an identifier that stayed with another contact, …):
                // listed as the error report lists it, its outcome and the warnings, so every line's fate is in the file.
                errors.Add(row.Row, result.Status == "created" ? "added" : result.Status, reasons.Concat(warnings));
                counts = counts.AddWarned();
            }
        }

        errors.Flush();
        Progress = Progress with { RowsAcknowledged = batch.RowsThrough, ErrorsLength = errors.Length, Counts = counts };
        Progress.Save(progressPath);
        acknowledged(batch.RowsThrough);
    }
}
