using System.Text.Json;
using VeloConnect.Cli.Api;

namespace VeloConnect.Cli.Imports;

/// <summary>
/// Rows by outcome, as the import counts them (the bulk endpoint's created and error are added and invalid); Warned: the
/// added or updated rows that came with warnings (a bad phone or email left out, …), already counted in Added or Updated.
/// </summary>
public sealed record RowCounts(int Added, int Updated, int Skipped, int Invalid, int Warned = 0)
{
    public static readonly RowCounts Zero = new(0, 0, 0, 0);

    public int Total => Added + Updated + Skipped + Invalid;

    public RowCounts Add(string bulkStatus) => bulkStatus switch
    {
        "created" => this with { Added = Added + 1 },
        "updated" => this with { Updated = Updated + 1 },
        "skipped" => this with { Skipped = Skipped + 1 },
        "error" => this with { Invalid = Invalid + 1 },
        _ => throw new InvalidOperationException($"The API answered a row status '{bulkStatus}' that this version of velo does not know; update velo."),
    };

    /// <summary>One more row imported with warnings.</summary>
    public RowCounts AddWarned() => this with { Warned = Warned + 1 };
}

/// <summary>
/// <c>&lt;input&gt;.velo-import.json</c>: what a resumed run needs. The file is recognised by its size and the SHA-256 of its
/// first megabyte; the import, its confirmed mapping and the batch size are reused (so every batch is cut and keyed as
/// before); RowsAcknowledged data rows (whole batches, in order) have their results counted and their errors written up
/// to ErrorsLength bytes of the errors file. BadIdentifier: the confirmed mapping's choice for a row with one bad phone or
/// email ("import" or "invalid"; missing in a file written before it, which reads as the default, "import"), so the rows are
/// read for in-file duplicates as the server reads them. Recipe: the recipe applied to the rows (so a resumed run sends the
/// same cells), null for none.
/// </summary>
public sealed record ResumeState(
    int Version,
    Guid ImportId,
    string Api,
    long FileSize,
    string Fingerprint,
    int BatchRows,
    IReadOnlyList<string> Columns,
    bool HasHeader,
    string Region,
    IReadOnlyList<string> Headers,
    string? ConvertFrom,
    int RowsAcknowledged,
    long ErrorsLength,
    RowCounts Counts,
    string? BadIdentifier = null,
    AppliedRecipe? Recipe = null)
{
    public const int CurrentVersion = 1;

    public static string PathFor(string input) => input + ".velo-import.json";

    public static ResumeState? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var progress = JsonSerializer.Deserialize<ResumeState>(File.ReadAllBytes(path), VeloApi.Json);
            return progress?.Version == CurrentVersion ? progress : null;
        }
        catch (JsonException)
        {
            // Cut short by a crash while it was first written: there is nothing to resume from.
            return null;
        }
    }

    /// <summary>Written to a temporary file and renamed over the old one, so a kill leaves either the old or the new state.</summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(this, VeloApi.Json));
        File.Move(temporary, path, overwrite: true);
    }

    public static void Delete(string path)
    {
        File.Delete(path);
        File.Delete(path + ".tmp");
    }
}

/// <summary>A saved recipe velo applies to the rows it sends: its name and steps, kept in the progress file.</summary>
public sealed record AppliedRecipe(string Name, IReadOnlyList<ContactRules.Imports.RecipeStep> Steps);
