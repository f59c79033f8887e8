using System.Text;
using CsCheck;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using VeloConnect.Data.Imports;
using VeloConnect.Workflows.Imports;
using Xunit;

namespace VeloConnect.Grains.Tests.Imports;

/// <summary>
/// Edits over an import's file (issue 14) as <see cref="ImportPlan.Rows(byte[], ImportRecord, ImportMapping, IReadOnlyList{ContactRules.Fields.FieldDefinition})"/>
/// applies them: undoing any subset of an edit list reads every row exactly as the list without those edits would.
/// </summary>
public sealed class ImportEditingProperties
{
    private static readonly string[] Kinds = ["cell", "drop", "restore", "replace", "trim", "prefix", "set"];
    private static readonly string[] Values = ["", " 415 555 01", "+1", "Ann", "4155550100", " x ", "+14155550100", "1"];

    [Fact]
    public void Undoing_a_subset_of_edits_reads_every_row_as_applying_only_the_others()
    {
        var cell = Gen.Int[0, Values.Length - 1].Select(i => Values[i]);
        var file = Gen.Select(cell, cell).Array[1, 8];
        var edit = Gen.Select(Gen.Int[0, Kinds.Length - 1], Gen.Int[2, 10], Gen.Int[0, 2], cell, cell, Gen.Int[2, 10].Array[0, 4].Null());
        var cases = Gen.Select(file, edit.Array[0, 12], Gen.Bool.Array[12]);
        cases.Sample((rows, specs, undo) =>
        {
            var bytes = Encoding.UTF8.GetBytes("Name,Phone\n" + string.Concat(rows.Select(r => $"{r.Item1},{r.Item2}\n")));
            var analysis = ImportFiles.Analyse(new MemoryStream(bytes), ImportFormats.Csv, new SniffOptions(HasHeader: true));
            var mapping = new ImportMapping([ColumnTarget.Name, ColumnTarget.PrimaryPhone], true, "US");
            var import = new ImportRecord(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "f.csv", bytes.Length, ImportStatus.Uploaded, DateTimeOffset.UtcNow, analysis,
                null, mapping, rows.Length, 0, ImportCounts.Zero, null, null, null);
            var edits = specs.Select((s, i) => Edit(i + 1, s, undo[i])).ToList();

            var withUndone = Read(import with { Edits = edits }, bytes, mapping);
            var onlyRemaining = Read(import with { Edits = [.. edits.Where(e => !e.IsUndone)] }, bytes, mapping);
            Assert.Equal(onlyRemaining, withUndone);
        });
    }

    private static ImportEdit Edit(int seq, (int Kind, int Row, int Column, string Value, string Other, int[]? Rows) s, bool undone)
    {
        var kind = Kinds[s.Kind];
        var spec = kind switch
        {
            "cell" => new ImportEditSpec(s.Row, s.Column, s.Value),
            "drop" or "restore" => new ImportEditSpec(s.Row),
            "replace" => new ImportEditSpec(Column: s.Column, Find: s.Value, Replace: s.Other),
            "prefix" => new ImportEditSpec(Column: s.Column, Prefix: s.Value),
            _ => new ImportEditSpec(Column: s.Column, Value: s.Value),
        };
        return new ImportEdit(seq, kind, spec, s.Rows, $"user {seq % 3}", DateTimeOffset.UtcNow, undone ? DateTimeOffset.UtcNow : null);
    }

    private static List<string> Read(ImportRecord import, byte[] bytes, ImportMapping mapping) =>
        [.. ImportPlan.Rows(bytes, import, mapping, []).Select(r =>
            $"{r.Row.RowNumber}|{string.Join('|', r.Row.Cells)}|{r.DroppedBy}|{r.IsInvalid}|{r.IsSkipped}|{r.DuplicateOf}|{string.Join(';', r.Result.Errors)}")];
}
