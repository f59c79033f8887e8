using System.Text.Json;
using Npgsql;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Audit;

namespace VeloConnect.Data.Imports;

/// <summary>A saved recipe: the column fixes kept for a header set of a workspace.</summary>
public sealed record ImportRecipe(string Name, string HeaderSetKey, IReadOnlyList<string> Headers, IReadOnlyList<RecipeStep> Steps, Guid? SourceImportId, string SavedBy,
    DateTimeOffset SavedAt);

public enum RecipeSave
{
    Saved,
    NameTaken,
}

/// <summary>
/// The <c>import_recipes</c> table (migration 0021): one recipe per workspace and header set, found by the header set (the
/// offer after an upload) or by its name (velo <c>--recipe</c>, the endpoints). Saves and deletes are audited.
/// </summary>
public sealed class ImportRecipeStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "name, header_set_key, headers, steps::text, source_import_id, saved_by, saved_at";

    public Task<ImportRecipe?> ForHeadersAsync(Guid workspaceId, string headerSetKey, CancellationToken cancellationToken = default) =>
        ReadOneAsync("header_set_key", headerSetKey, workspaceId, cancellationToken);

    public Task<ImportRecipe?> ByNameAsync(Guid workspaceId, string name, CancellationToken cancellationToken = default) =>
        ReadOneAsync("name", name, workspaceId, cancellationToken);

    public async Task<IReadOnlyList<ImportRecipe>> ListAsync(Guid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from import_recipes where workspace_id = @ws order by name");
        command.Parameters.AddWithValue("ws", workspaceId);
        var recipes = new List<ImportRecipe>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            recipes.Add(Read(reader));
        }

        return recipes;
    }

    /// <summary>Saves (or replaces) the recipe of a header set; refused when another header set's recipe has the name.</summary>
    public async Task<RecipeSave> SaveAsync(Guid workspaceId, Guid userId, ImportRecipe recipe, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var upsert = new NpgsqlCommand("""
            insert into import_recipes (workspace_id, header_set_key, name, headers, steps, source_import_id, saved_by)
            values (@ws, @key, @name, @headers, @steps::jsonb, @source, @by)
            on conflict (workspace_id, header_set_key) do update
            set name = excluded.name, headers = excluded.headers, steps = excluded.steps, source_import_id = excluded.source_import_id,
                saved_by = excluded.saved_by, saved_at = now()
            """, connection, transaction))
        {
            upsert.Parameters.AddWithValue("ws", workspaceId);
            upsert.Parameters.AddWithValue("key", recipe.HeaderSetKey);
            upsert.Parameters.AddWithValue("name", recipe.Name);
            upsert.Parameters.AddWithValue("headers", recipe.Headers.ToArray());
            upsert.Parameters.AddWithValue("steps", JsonSerializer.Serialize(recipe.Steps, ImportJson.Options));
            upsert.Parameters.AddWithValue("source", (object?)recipe.SourceImportId ?? DBNull.Value);
            upsert.Parameters.AddWithValue("by", recipe.SavedBy);
            try
            {
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return RecipeSave.NameTaken;
            }
        }

        await AuditLog.WriteAsync(connection, transaction, workspaceId, userId, "import.recipe_saved", "import_recipe", recipe.Name, new Dictionary<string, object?>
        {
            ["headers"] = recipe.Headers,
            ["steps"] = recipe.Steps.Count,
            ["importId"] = recipe.SourceImportId,
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RecipeSave.Saved;
    }

    /// <summary>Deletes a recipe by name; false when there is none.</summary>
    public async Task<bool> DeleteAsync(Guid workspaceId, Guid userId, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand("delete from import_recipes where workspace_id = @ws and name = @name", connection, transaction))
        {
            delete.Parameters.AddWithValue("ws", workspaceId);
            delete.Parameters.AddWithValue("name", name);
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await AuditLog.WriteAsync(connection, transaction, workspaceId, userId, "import.recipe_deleted", "import_recipe", name, new Dictionary<string, object?>(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<ImportRecipe?> ReadOneAsync(string column, string value, Guid workspaceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from import_recipes where workspace_id = @ws and {column} = @value");
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static ImportRecipe Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), JsonSerializer.Deserialize<RecipeStep[]>(reader.GetString(3), ImportJson.Options)!,
            reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6));
}
