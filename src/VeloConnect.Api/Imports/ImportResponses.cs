using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Jobs;
using VeloConnect.Workflows.Imports;

namespace VeloConnect.Api.Imports;

public sealed record EncodingResponse(string Verdict, string Name, long? FirstBadLine, string Message);

public sealed record ColumnResponse(int Index, string Header, IReadOnlyList<string> Samples);

public sealed record ProblemResponse(string Code, string Message, long? Line);

/// <summary>
/// A mapping on the wire: the targets in their API spelling ("name", "phone", "field:tier", …); several columns with "name" are
/// combined in column order. <c>separators</c>: per column, a Tags column's separator ("," ";" "|" " ::: "), null elsewhere.
/// <c>knownSource</c>/<c>knownSourceMessage</c>: the tool the file looks exported from and what that means for the mapping
/// ("Looks like an Outlook export: …"); <c>notes</c>: what the user should know (values left out). <c>badIdentifier</c>: what a
/// row with a bad phone or email and another valid one becomes: "import" (imported by its valid ones, each bad value a
/// warning on the row) or "invalid" (the whole row). <c>dateFormats</c>, <c>decimalSeparators</c>, <c>valueMaps</c>: per column,
/// the date format a date column is read with, the decimal separator of a number column, and the table of a select column's
/// values that match no option (value as in the file → option, or null for blank); each list null when no column has one.
/// </summary>
public sealed record MappingResponse(
    IReadOnlyList<string> Columns,
    bool HasHeader,
    string Region,
    string Source,
    IReadOnlyList<string?>? Separators = null,
    string? KnownSource = null,
    string? KnownSourceMessage = null,
    IReadOnlyList<string>? Notes = null,
    string BadIdentifier = BadIdentifierPolicies.Import,
    IReadOnlyList<string?>? DateFormats = null,
    IReadOnlyList<string?>? DecimalSeparators = null,
    IReadOnlyList<IReadOnlyDictionary<string, string?>?>? ValueMaps = null)
{
    public static MappingResponse From(ImportMapping mapping, string source) =>
        new([.. mapping.Columns.Select(c => c.ToString())], mapping.HasHeader, mapping.Region, source, mapping.Separators, BadIdentifier: mapping.BadIdentifier.ToText(),
            DateFormats: mapping.DateFormats, DecimalSeparators: mapping.DecimalSeparators, ValueMaps: mapping.ValueMaps);

    public static MappingResponse From(ImportMapping mapping, string source, MappingProposal proposal) =>
        From(mapping, source) with { KnownSource = proposal.KnownSource, KnownSourceMessage = proposal.KnownSourceMessage, Notes = proposal.Notes };
}

public sealed record TargetResponse(string Value, string Label);

public sealed record ProgressResponse(int RowsDone, int TotalRows);

/// <summary>
/// A spreadsheet's phone column held as numbers (a leading + or 0 lost): the spreadsheet rows (at most 10 listed of
/// RowCount), and those in scientific notation whose last digits are gone (DigitsLostRows of DigitsLostCount).
/// </summary>
public sealed record PhonesAsNumbersResponse(int Column, string Header, IReadOnlyList<int> Rows, int RowCount, IReadOnlyList<int> DigitsLostRows, int DigitsLostCount);

/// <summary>
/// An import as the wizard sees it: what the upload found, the mapping (confirmed, remembered or suggested), progress and
/// counts. A running import whose silo is gone stays <c>running</c> (it resumes where it stopped once a silo is back) with
/// <c>waitingForSilo</c> true and <c>stalledAt</c> the time its job last reported. <c>stage</c> is where it is in its
/// life (uploaded, mapped, reviewed, running, finished, failed: see <see cref="ImportLifecycle"/>); <c>status</c> keeps
/// the stored status (uploaded for the first three). <c>format</c> is the file's format by content (csv, xlsx, xls, vcard);
/// <c>headerRow</c> the row the header is on (rows above it are not read; 0 for a vCard, whose columns the reader names);
/// <c>sheets</c> and <c>sheet</c> a spreadsheet's sheets and the one read; <c>phonesAsNumbers</c> its phone columns held as
/// numbers (each also a <c>phones_as_numbers</c> warning that says what to do).
/// </summary>
public sealed record ImportResponse(
    Guid Id,
    string FileName,
    long FileSize,
    string Status,
    DateTimeOffset CreatedAt,
    EncodingResponse Encoding,
    string Delimiter,
    bool HeaderDetected,
    bool HasHeader,
    IReadOnlyList<ColumnResponse> Columns,
    int RowCount,
    IReadOnlyList<ProblemResponse> Warnings,
    MappingResponse? Mapping,
    IReadOnlyList<TargetResponse> Targets,
    ProgressResponse Progress,
    ImportCounts Counts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    string Kind,
    Guid UserId,
    bool WaitingForSilo,
    DateTimeOffset? StalledAt,
    string Stage,
    DateTimeOffset? ReviewedAt,
    string Format,
    int HeaderRow,
    IReadOnlyList<string> Sheets,
    string? Sheet,
    IReadOnlyList<PhonesAsNumbersResponse> PhonesAsNumbers)
{
    /// <summary>
    /// Before the run: the recipe saved for files with these headers (issue 14), offered to apply in one call
    /// (POST /api/imports/{id}/recipe/apply) or to ignore; null when there is none.
    /// </summary>
    public ImportRecipeResponse? Recipe { get; init; }

    /// <param name="liveness">When a silent job counts as lost; null for an import no silo runs (a command-line import).</param>
    public static ImportResponse From(ImportRecord import, MappingResponse? mapping, IReadOnlyList<FieldDefinition> fields, JobLivenessOptions? liveness = null)
    {
        var analysis = import.Analysis;
        var stalledAt = liveness?.StalledAt(import.IsRunBySilo, import.Heartbeat);
        return new ImportResponse(
            import.Id,
            import.FileName,
            import.FileSize,
            import.Status,
            import.CreatedAt,
            EncodingOf(analysis.Encoding),
            analysis.DelimiterName,
            analysis.HeaderDetected,
            analysis.HasHeader,
            [.. analysis.Columns.Select(c => new ColumnResponse(c.Index, c.Header, c.Samples))],
            // A command-line import uploads the head of its file only; the importer tells the whole file's rows.
            import.IsCommandLine ? import.TotalRows : analysis.DataRowCount,
            [.. analysis.Warnings.Select(Problem)],
            mapping,
            TargetsOf(fields),
            new ProgressResponse(import.RowsDone, import.TotalRows),
            import.Counts,
            import.StartedAt,
            import.FinishedAt,
            import.Error,
            import.Kind,
            import.UserId,
            stalledAt is not null,
            stalledAt,
            ImportLifecycle.StageOf(import).ToString().ToLowerInvariant(),
            import.ReviewedAt,
            analysis.Format,
            analysis.HeaderRow,
            analysis.Sheets ?? [],
            analysis.Sheet,
            [.. (analysis.PhonesAsNumbers ?? []).Select(p => new PhonesAsNumbersResponse(p.Column, p.Header, p.Rows, p.RowCount, p.DigitsLostRows, p.DigitsLostCount))]);
    }

    public static EncodingResponse EncodingOf(EncodingReport report) =>
        new(report.Verdict switch
        {
            EncodingVerdict.Utf8 => "utf-8",
            EncodingVerdict.Utf8WithBom => "utf-8-bom",
            EncodingVerdict.Utf16 => "utf-16",
            _ => "not-utf-8",
        }, report.Name, report.FirstBadLine, report.Message);

    public static ProblemResponse Problem(SniffProblem problem) => new(problem.Code, problem.Message, problem.Line);

    /// <summary>Built-in targets first, then the workspace's custom fields, then "Don't import" (the wizard's dropdown).</summary>
    public static IReadOnlyList<TargetResponse> TargetsOf(IReadOnlyList<FieldDefinition> fields)
    {
        ColumnTarget[] builtIn =
        [
            new(TargetKind.Name), new(TargetKind.PrimaryPhone), new(TargetKind.AdditionalPhone), new(TargetKind.Email), new(TargetKind.Tags),
        ];
        return
        [
            .. builtIn.Concat(fields.Select(f => new ColumnTarget(TargetKind.CustomField, f.Key))).Append(ColumnTarget.Ignore)
                .Select(t => new TargetResponse(t.ToString(), t.Label(fields))),
        ];
    }
}

/// <summary>
/// A mapping to confirm: a target per column (the same target "name" on several columns combines them in column order);
/// <c>separators</c> (optional): per column, a Tags column's separator ("," ";" "|" " ::: "); left out or null, the one its
/// sample cells use. <c>badIdentifier</c> (optional): "import" (the default: a row with a bad phone or email and another
/// valid one is imported by its valid ones, each bad value a warning on the row and in the error report) or "invalid" (such
/// a row is invalid as a whole). A row with no valid phone or email is invalid either way.
/// <c>dateFormats</c> (optional): per column, a date column's format (yyyy-MM-dd, dd/MM/yyyy, MM/dd/yyyy, dd.MM.yyyy,
/// dd-MM-yyyy); null: detected over the whole column, and a column that reads both day-first and month-first is refused
/// until one is chosen. ISO cells are always read as ISO. <c>decimalSeparators</c> (optional): per column, a number column's
/// "." or ","; null: detected. <c>valueMaps</c> (optional): per column, a select column's values that match no option
/// (case- and accent-insensitively) mapped to an option, or to null to leave the field blank for that row.
/// </summary>
public sealed record MappingRequest(IReadOnlyList<string>? Columns, bool? HasHeader = null, string? Region = null, IReadOnlyList<string?>? Separators = null,
    string? BadIdentifier = null, IReadOnlyList<string?>? DateFormats = null, IReadOnlyList<string?>? DecimalSeparators = null,
    IReadOnlyList<IReadOnlyDictionary<string, string?>?>? ValueMaps = null);

/// <summary>
/// A column's distinct values over the whole file, for the mapping step: <c>dateFormat</c> detected (null when ambiguous or
/// not dates), <c>dateFormatChoices</c> every format that reads all its non-blank values (two or more: ask),
/// <c>decimalSeparator</c> for a number-like column, <c>values</c> the distinct non-blank values, most frequent first (at most
/// 500), each with the option it matches for a select target (null when none, and for other targets); <c>distinctCount</c>
/// all distinct values, <c>unmatchedCount</c> those matching no option (select targets).
/// </summary>
public sealed record ColumnValuesResponse(
    int Column,
    string Header,
    string Target,
    string? DateFormat,
    IReadOnlyList<string> DateFormatChoices,
    string? DecimalSeparator,
    IReadOnlyList<ColumnValueResponse> Values,
    int DistinctCount,
    int UnmatchedCount);

/// <summary>One distinct value of a column, how many rows hold it, and the option it matches (select targets; else null).</summary>
public sealed record ColumnValueResponse(string Value, int Count, string? Option);

/// <summary>
/// For the OpenAPI document: the upload's multipart form (the handler reads the form itself). <c>commandLine</c> and
/// <c>fileSize</c> are the command-line importer's: it uploads the head of its file and gives the whole file's size.
/// The file is a CSV, an .xlsx/.xls or a .vcf, told by its content; its sheet (the first) and header row are found by the
/// analysis, and chosen otherwise by a re-analysis (<c>PUT /api/imports/{id}/analysis</c>, <see cref="Apis.AnalysisRequest"/>).
/// </summary>
public sealed record UploadImportFormDoc(
    IFormFile File,
    bool? HasHeader = null,
    string? Delimiter = null,
    string? ConvertFrom = null,
    bool? CommandLine = null,
    long? FileSize = null);

/// <summary>
/// One row of a review: its outcome (added, updated, skipped, invalid), its cells as read, reasons (invalid, skipped) and
/// warnings, the contact it updates, the earlier row it duplicates (skipped), what it will change (<c>change</c>: updated
/// rows, against the contact as stored when the page is read) and whether the review's edits changed it.
/// </summary>
public sealed record ReviewRowResponse(int RowNumber, string Outcome, IReadOnlyList<string> Cells, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings,
    Guid? ContactId, int? DuplicateOf, ReviewChange? Change, bool Edited)
{
    public static ReviewRowResponse From(ReviewedRow row, ReviewChange? change) =>
        new(row.RowNumber, row.Outcome, row.Cells, row.Reasons, row.Warnings, row.ContactId, row.DuplicateOf, change, row.Edited);
}

/// <summary>A page of a review's rows by row number; <c>next</c>: pass it as <c>after</c> for the next page (null: the last page); <c>total</c>: the rows matching the filter.</summary>
public sealed record ReviewRowsResponse(IReadOnlyList<ReviewRowResponse> Rows, int? Next, int Total)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
}
