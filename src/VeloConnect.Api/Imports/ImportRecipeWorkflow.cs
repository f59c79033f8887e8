using System.Text.RegularExpressions;
using VeloConnect.Api.Auth;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Imports;
using VeloConnect.Workflows.Imports;

namespace VeloConnect.Api.Imports;

/// <summary>A recipe's step: the column fix, the header of its column, the filter of the rows it applies to (judged again on each file), and the step in words.</summary>
public sealed record RecipeStepResponse(string Kind, string Header, string? Value, string? Find, string? Replace, string? Prefix, EditFilter? Rows, string Text);

/// <summary>A recipe: column fixes saved for files with these headers.</summary>
public sealed record ImportRecipeResponse(string Name, IReadOnlyList<string> Headers, IReadOnlyList<RecipeStepResponse> Steps, Guid? SourceImportId, string SavedBy,
    DateTimeOffset SavedAt);

public sealed record ImportRecipesResponse(IReadOnlyList<ImportRecipeResponse> Recipes);

/// <summary>Saves the import's column fixes as the recipe of its headers. Name: letters, digits, '.', '_' and '-' (the recipe's own name, or one made from the file's name, when left out).</summary>
public sealed record SaveRecipeRequest(string? Name = null);

/// <summary>Applies a recipe to the import: by name, or (left out) the one saved for the import's headers.</summary>
public sealed record ApplyRecipeRequest(string? Name = null);

/// <summary>A step as applied: the edit it became (seq: undo it as any edit) and the rows it changed; a step that changed nothing is not stored (seq null, 0 rows).</summary>
public sealed record AppliedRecipeStepResponse(string Text, long? Seq, int RowCount);

public sealed record AppliedRecipeResponse(string Name, IReadOnlyList<AppliedRecipeStepResponse> Steps);

/// <summary>
/// Recipes (issue 14): an import's column-level fixes (replace, trim, prefix, set, with their row filters) kept per
/// workspace and header set (<see cref="ImportRecipeStore"/>), offered with the next upload of a file with the same headers,
/// applied in one call as that import's own edits (each listed and undoable as usual), read, listed and deleted by name.
/// Saved explicitly (<see cref="SaveAsync"/>) and when a wizard import with column fixes runs (<see cref="SaveOnRunAsync"/>).
/// velo applies a recipe's steps itself, with the same rules (<see cref="RecipeApplier"/>).
/// </summary>
public sealed partial class ImportRecipeWorkflow(ImportStore imports, ImportEditStore edits, ImportRecipeStore recipes, ImportEditWorkflow editing)
{
    private const int MaxNameLength = 64;

    /// <summary>The recipe offered with an import before its run: the one saved for its headers.</summary>
    public async Task<ImportRecipeResponse?> OfferAsync(ImportRecord import, CancellationToken cancellationToken) =>
        import.Status == ImportStatus.Uploaded && import.Analysis.HasHeader && await recipes.ForHeadersAsync(import.WorkspaceId, HeaderSetKey(import), cancellationToken) is { } recipe
            ? Response(recipe)
            : null;

    public async Task<Outcome<ImportRecipeResponse>> SaveAsync(CurrentUser user, Guid id, SaveRecipeRequest? body, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        if (body?.Name is { } name && !ValidName(name))
        {
            return ImportRefusal.BadRequest("Bad recipe name", BadNameDetail(name));
        }

        if (!import.Analysis.HasHeader)
        {
            return new ImportRefusal(422, "No headers", "A recipe is kept for the files with the same headers, and this file is read without a header row: its fixes cannot be saved as a recipe.");
        }

        var steps = Steps(import, await edits.ListAsync(id, cancellationToken));
        if (steps.Count == 0)
        {
            return new ImportRefusal(422, "No column fixes",
                $"Import {id} has no column fixes to save (replace, trim, prefix or set that is not undone; single-cell edits and dropped rows are not part of a recipe). Make them with POST /api/imports/{id}/edits.");
        }

        var recipe = await RecipeAsync(import, user.Name, steps, body?.Name, cancellationToken);
        return await recipes.SaveAsync(user.WorkspaceId, user.UserId, recipe, cancellationToken) == RecipeSave.Saved
            ? Response((await recipes.ForHeadersAsync(user.WorkspaceId, recipe.HeaderSetKey, cancellationToken))!)
            : ImportRefusal.Conflict("Recipe name taken", $"Another recipe (for other headers) is named '{recipe.Name}'; choose another name, or delete that one with DELETE /api/import-recipes/{recipe.Name}.");
    }

    /// <summary>A wizard import with column fixes that starts running saves them as its headers' recipe (keeping the recipe's name); a name clash keeps the old recipe.</summary>
    public async Task SaveOnRunAsync(CurrentUser user, ImportRecord import, CancellationToken cancellationToken)
    {
        if (import.IsCommandLine || !import.Analysis.HasHeader)
        {
            return;
        }

        var steps = Steps(import, await edits.ListAsync(import.Id, cancellationToken));
        if (steps.Count > 0)
        {
            await recipes.SaveAsync(user.WorkspaceId, user.UserId, await RecipeAsync(import, user.Name, steps, null, cancellationToken), cancellationToken);
        }
    }

    /// <summary>Applies a recipe's steps in order as the import's edits (each re-judges its filter on this file's rows).</summary>
    public async Task<Outcome<AppliedRecipeResponse>> ApplyAsync(CurrentUser user, Guid id, ApplyRecipeRequest? body, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        var recipe = body?.Name is { } name
            ? await recipes.ByNameAsync(user.WorkspaceId, name, cancellationToken)
            : import.Analysis.HasHeader ? await recipes.ForHeadersAsync(user.WorkspaceId, HeaderSetKey(import), cancellationToken) : null;
        if (recipe is null)
        {
            return new ImportRefusal(404, "Recipe not found", body?.Name is { } asked
                ? $"There is no recipe '{asked}' in your workspace; list them with GET /api/import-recipes."
                : "No recipe is saved for this file's headers: name one ('name'), or save this import's fixes as one with POST /api/imports/{id}/recipe after making them.");
        }

        var headers = Headers(import);
        if (RecipeApplier.MissingHeaders(recipe.Steps, headers) is { Count: > 0 } missing)
        {
            return new ImportRefusal(422, "Recipe does not fit", $"Recipe '{recipe.Name}' changes the column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}, which this file does not have "
                + $"(its columns: {string.Join(", ", headers)}). Apply a recipe saved for these headers.");
        }

        var applied = new List<AppliedRecipeStepResponse>();
        foreach (var step in recipe.Steps)
        {
            var request = new EditImportRequest(step.Kind, Column: RecipeApplier.ColumnOf(headers, step.Header), Value: step.Value, Find: step.Find, Replace: step.Replace,
                Prefix: step.Prefix, Rows: step.Rows is { IsEmpty: false } rows ? new EditFilter(rows.Outcome, rows.Reason, rows.Q) : null);
            var edit = await editing.EditAsync(user, id, request, cancellationToken);
            if (edit.Refusal is { Status: 422 })
            {
                applied.Add(new AppliedRecipeStepResponse(step.Describe(), null, 0)); // nothing to change on this file: not stored
            }
            else if (edit.Refusal is { } refused)
            {
                return refused;
            }
            else
            {
                applied.Add(new AppliedRecipeStepResponse(step.Describe(), edit.Value!.Seq, edit.Value.RowCount));
            }
        }

        return new AppliedRecipeResponse(recipe.Name, applied);
    }

    public async Task<Outcome<ImportRecipeResponse>> GetAsync(CurrentUser user, string name, CancellationToken cancellationToken) =>
        await recipes.ByNameAsync(user.WorkspaceId, name, cancellationToken) is { } recipe ? Response(recipe) : NotFound(name);

    public async Task<ImportRecipesResponse> ListAsync(CurrentUser user, CancellationToken cancellationToken) =>
        new([.. (await recipes.ListAsync(user.WorkspaceId, cancellationToken)).Select(Response)]);

    public async Task<ImportRefusal?> DeleteAsync(CurrentUser user, string name, CancellationToken cancellationToken) =>
        await recipes.DeleteAsync(user.WorkspaceId, user.UserId, name, cancellationToken) ? null : NotFound(name);

    /// <summary>The import's column fixes, in the order they apply, undone ones left out, each naming its column by header.</summary>
    private static List<RecipeStep> Steps(ImportRecord import, IReadOnlyList<ImportEdit> list)
    {
        var headers = Headers(import);
        return [.. list.Where(e => !e.IsUndone && ColumnFixes.IsColumnFix(e.Kind) && e.Spec.Column is { } c && c < headers.Count).OrderBy(e => e.Seq)
            .Select(e => new RecipeStep(e.Kind, headers[e.Spec.Column!.Value], e.Spec.Value, e.Spec.Find, e.Spec.Replace, e.Spec.Prefix, e.Spec.Filter is { IsEmpty: false } f ? f : null))];
    }

    private async Task<ImportRecipe> RecipeAsync(ImportRecord import, string savedBy, IReadOnlyList<RecipeStep> steps, string? name, CancellationToken cancellationToken)
    {
        var key = HeaderSetKey(import);
        name ??= (await recipes.ForHeadersAsync(import.WorkspaceId, key, cancellationToken))?.Name ?? await FreeNameAsync(import, cancellationToken);
        return new ImportRecipe(name, key, Headers(import), steps, import.Id, savedBy, DateTimeOffset.UtcNow);
    }

    /// <summary>A name made from the file's name ("HubSpot ES.csv" → "hubspot-es"), with "-2", "-3"… when another header set's recipe has it.</summary>
    private async Task<string> FreeNameAsync(ImportRecord import, CancellationToken cancellationToken)
    {
        var stem = NotNameCharacters().Replace(Path.GetFileNameWithoutExtension(import.FileName).ToLowerInvariant(), "-").Trim('-', '.', '_');
        stem = stem.Length == 0 ? "recipe" : stem[..Math.Min(stem.Length, MaxNameLength - 4)];
        for (var n = 1; ; n++)
        {
            var candidate = n == 1 ? stem : $"{stem}-{n}";
            if (await recipes.ByNameAsync(import.WorkspaceId, candidate, cancellationToken) is null || n >= 99)
            {
                return candidate;
            }
        }
    }

    private static IReadOnlyList<string> Headers(ImportRecord import) => [.. import.Analysis.Columns.Select(c => c.Header)];

    private static string HeaderSetKey(ImportRecord import) => MappingRules.HeaderSetKey(Headers(import));

    private static bool ValidName(string name) => name.Length <= MaxNameLength && ValidNamePattern().IsMatch(name);

    private static string BadNameDetail(string name) =>
        $"'{(name.Length > MaxNameLength ? name[..MaxNameLength] + "…" : name)}' is not a recipe name: use 1 to {MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. \"hubspot-es\").";

    private static ImportRefusal NotFound(string name) =>
        new(404, "Recipe not found", $"There is no recipe '{name}' in your workspace; list them with GET /api/import-recipes.");

    private static ImportRecipeResponse Response(ImportRecipe recipe) =>
        new(recipe.Name, recipe.Headers, [.. recipe.Steps.Select(s => new RecipeStepResponse(s.Kind, s.Header, s.Value, s.Find, s.Replace, s.Prefix,
            s.Rows is { IsEmpty: false } r ? new EditFilter(r.Outcome, r.Reason, r.Q) : null, s.Describe()))], recipe.SourceImportId, recipe.SavedBy, recipe.SavedAt);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex ValidNamePattern();

    [GeneratedRegex("[^a-z0-9._-]+")]
    private static partial Regex NotNameCharacters();
}
