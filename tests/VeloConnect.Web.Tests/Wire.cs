using VeloConnect.Client;

namespace VeloConnect.Web.Tests;

/// <summary>The API's answers (the generated client's records) built in one line each, for the fakes of these tests.</summary>
internal static class Wire
{
    public static ColumnResponse Column(int index, string header, IReadOnlyList<string> samples) => new() { Index = index, Header = header, Samples = samples };

    public static TargetResponse Target(string value, string label) => new() { Value = value, Label = label };

    public static ImportCounts Counts(int added, int updated, int skipped, int invalid) =>
        new() { Added = added, Updated = updated, Skipped = skipped, Invalid = invalid, Total = added + updated + skipped + invalid };

    public static ProgressResponse Progress(int rowsDone, int totalRows) => new() { RowsDone = rowsDone, TotalRows = totalRows };

    public static EncodingResponse Encoding(string verdict, string name, long? firstBadLine, string message) =>
        new() { Verdict = verdict, Name = name, FirstBadLine = firstBadLine, Message = message };

    public static ProblemResponse Problem(string code, string message, long? line) => new() { Code = code, Message = message, Line = line };

    public static MappingResponse Mapping(IReadOnlyList<string> columns, bool hasHeader, string region, string source) =>
        new() { Columns = columns, HasHeader = hasHeader, Region = region, Source = source };

    public static ColumnValueResponse Value(string value, int count, string? option) => new() { Value = value, Count = count, Option = option };

    public static ColumnValuesResponse ColumnValues(
        int column, string header, string target, string? dateFormat, IReadOnlyList<string> dateFormatChoices, string? decimalSeparator,
        IReadOnlyList<ColumnValueResponse> values) =>
        new()
        {
            Column = column, Header = header, Target = target, DateFormat = dateFormat, DateFormatChoices = dateFormatChoices,
            DecimalSeparator = decimalSeparator, Values = values, DistinctCount = values.Count, UnmatchedCount = values.Count(v => v.Option is null),
        };

    public static ReviewRow Row(int rowNumber, IReadOnlyList<string> cells, Guid? contactId, int? duplicateOf, IReadOnlyList<string> reasons) =>
        new() { RowNumber = rowNumber, Cells = cells, ContactId = contactId, DuplicateOf = duplicateOf, Reasons = reasons };

    public static ReviewRowResponse GridRow(
        int rowNumber, string outcome, IReadOnlyList<string> cells, IReadOnlyList<string>? reasons = null, IReadOnlyList<string>? warnings = null,
        ReviewChange? change = null, bool edited = false) =>
        new()
        {
            RowNumber = rowNumber, Outcome = outcome, Cells = cells, Reasons = reasons ?? [], Warnings = warnings ?? [],
            Change = change, Edited = edited, ContactId = change is null ? null : Guid.NewGuid(),
        };

    public static ReviewRowsResponse RowsPage(IReadOnlyList<ReviewRowResponse> rows, int? next, int total) => new() { Rows = rows, Next = next, Total = total };

    public static ImportEditSummary Edit(long seq, string kind, string summary, string createdBy, bool undone = false) =>
        new() { Seq = seq, Kind = kind, Summary = summary, RowCount = 1, CreatedBy = createdBy, CreatedAt = DateTimeOffset.UtcNow, Undone = undone };

    public static ReviewWarning Warning(int rowNumber, string message) => new() { RowNumber = rowNumber, Message = message };

    public static ReviewResult Review(
        int Rows, ImportCounts Counts, IReadOnlyList<ReviewWarning> Warnings, int WarningCount,
        IReadOnlyList<ReviewRow> Added, IReadOnlyList<ReviewRow> Updated, IReadOnlyList<ReviewRow> Skipped, IReadOnlyList<ReviewRow> Invalid) =>
        new()
        {
            Rows = Rows, Counts = Counts, Warnings = Warnings, WarningCount = WarningCount,
            Added = Added, Updated = Updated, Skipped = Skipped, Invalid = Invalid,
        };

    public static ImportResponse Import(
        Guid id, string fileName, long fileSize, string status, DateTimeOffset createdAt, EncodingResponse encoding, string delimiter,
        bool headerDetected, bool hasHeader, IReadOnlyList<ColumnResponse> columns, int rowCount, IReadOnlyList<ProblemResponse> warnings,
        MappingResponse? mapping, IReadOnlyList<TargetResponse> targets, ProgressResponse progress, ImportCounts counts,
        DateTimeOffset? startedAt, DateTimeOffset? finishedAt, string? error, string kind) =>
        new()
        {
            Id = id, FileName = fileName, FileSize = fileSize, Status = status, CreatedAt = createdAt, Encoding = encoding, Delimiter = delimiter,
            HeaderDetected = headerDetected, HasHeader = hasHeader, Columns = columns, RowCount = rowCount, Warnings = warnings,
            Mapping = mapping, Targets = targets, Progress = progress, Counts = counts,
            StartedAt = startedAt, FinishedAt = finishedAt, Error = error, Kind = kind,
        };
}
