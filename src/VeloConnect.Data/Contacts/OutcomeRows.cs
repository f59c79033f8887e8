using Npgsql;
using NpgsqlTypes;

namespace VeloConnect.Data.Contacts;

/// <summary>What happened to one row of an import, or one item of a bulk request, as both tables record it.</summary>
public sealed record OutcomeRow(int Number, string Outcome, Guid? ContactId, int? DuplicateOf, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings);

internal static class OutcomeRows
{
    /// <summary>
    /// Copies outcomes of <paramref name="ownerId"/> (an import, a bulk request) in one binary COPY; <paramref name="table"/>
    /// names the table and its columns in that order: owner, number, outcome, contact, duplicate of, reasons, warnings.
    /// </summary>
    public static async Task CopyAsync(NpgsqlConnection connection, string table, Guid ownerId, IEnumerable<OutcomeRow> rows, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"copy {table} from stdin (format binary)", cancellationToken);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            await WriteAsync(copy, ownerId, row, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>Writes one outcome's seven columns (owner, number, outcome, contact, duplicate of, reasons, warnings) into a started COPY row.</summary>
    public static async Task WriteAsync(NpgsqlBinaryImporter copy, Guid ownerId, OutcomeRow row, CancellationToken cancellationToken)
    {
        await copy.WriteAsync(ownerId, NpgsqlDbType.Uuid, cancellationToken);
        await copy.WriteAsync(row.Number, NpgsqlDbType.Integer, cancellationToken);
        await copy.WriteAsync(row.Outcome, NpgsqlDbType.Text, cancellationToken);
        await ContactBatchWriter.WriteUuidAsync(copy, row.ContactId, cancellationToken);
        if (row.DuplicateOf is { } duplicateOf)
        {
            await copy.WriteAsync(duplicateOf, NpgsqlDbType.Integer, cancellationToken);
        }
        else
        {
            await copy.WriteNullAsync(cancellationToken);
        }

        await copy.WriteAsync(row.Reasons.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync(row.Warnings.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
    }
}
