namespace VeloConnect.Cli.Api;

// The API's answers, as much of them as the importer reads (JSON, camelCase).

public sealed record ColumnDto(int Index, string Header, IReadOnlyList<string> Samples);

public sealed record ProblemDto(string Code, string Message, long? Line);

public sealed record MappingDto(IReadOnlyList<string> Columns, bool HasHeader, string Region, string Source);

public sealed record TargetDto(string Value, string Label);

public sealed record ProgressDto(int RowsDone, int TotalRows);

public sealed record CountsDto(int Added, int Updated, int Skipped, int Invalid)
{
    public int Total => Added + Updated + Skipped + Invalid;
}

public sealed record ImportDto(
    Guid Id,
    string Status,
    string Delimiter,
    bool HasHeader,
    IReadOnlyList<ColumnDto> Columns,
    IReadOnlyList<ProblemDto>? Warnings,
    MappingDto? Mapping,
    IReadOnlyList<TargetDto>? Targets,
    ProgressDto? Progress,
    CountsDto? Counts,
    string? Error);

public sealed record FieldDto(string Key, string Label, string Type, IReadOnlyList<string>? Options);

/// <summary>One row as the bulk endpoint takes it for a command-line import.</summary>
public sealed record BulkRowDto(int Row, IReadOnlyList<string> Cells, int? DuplicateOf);

public sealed record BulkCountsDto(int Created, int Updated, int Skipped, int Error);

public sealed record BulkResultDto(int Index, int? Row, string Status, Guid? ContactId, int? DuplicateOf, IReadOnlyList<string>? Reasons, IReadOnlyList<string>? Warnings);

public sealed record BulkResponseDto(BulkCountsDto Counts, IReadOnlyList<BulkResultDto> Results);

public sealed record MappingRequestDto(IReadOnlyList<string> Columns, bool HasHeader, string? Region);

/// <summary>The body of run (for the import's progress) and of finish (the import ends once all are recorded).</summary>
public sealed record TotalRowsDto(int TotalRows);

/// <summary>An RFC 7807 answer: what went wrong and (detail) what to do; errors for a validation problem.</summary>
public sealed record ProblemDetailsDto(string? Title, string? Detail, int? Status, Dictionary<string, string[]>? Errors);
