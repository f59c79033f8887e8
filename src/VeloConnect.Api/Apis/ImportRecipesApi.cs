using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Imports;
using VeloConnect.Api.OpenApi;

namespace VeloConnect.Api.Apis;

/// <summary>
/// Recipes (issue 14): an import's column fixes saved for files with the same headers, offered with the next such upload
/// (its answer's <c>recipe</c>), applied in one call, read, listed and deleted. Handlers only translate HTTP to <see cref="ImportRecipeWorkflow"/>.
/// </summary>
public static class ImportRecipesApi
{
    public static IEndpointRouteBuilder MapImportRecipesApi(this IEndpointRouteBuilder app)
    {
        var imports = app.MapGroup("/api/imports").WithTags("Imports").Requires(Permission.Imports);
        imports.MapPost("/{id:guid}/recipe", Save).WithName("SaveImportRecipe")
            .WithSummary("Saves the import's column fixes (replace, trim, prefix, set not undone, in order, with their row filters) as the recipe for files with its headers, replacing the one saved before. Body {name?}: the recipe's name (kept, or made from the file's name, when left out). A wizard import with column fixes also saves them when it runs.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        imports.MapPost("/{id:guid}/recipe/apply", Apply).WithName("ApplyImportRecipe")
            .WithSummary("Applies a recipe to the import before its run: each step becomes one of its edits (listed and undoable as usual), its row filter judged on this file's rows. Body {name?}: a recipe by name, or (left out) the one offered for the file's headers. A step that changes nothing here is answered with 0 rows and not stored.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);

        var recipes = app.MapGroup("/api/import-recipes").WithTags("Imports").Requires(Permission.Imports);
        recipes.MapGet("/", List).WithName("ListImportRecipes").WithSummary("The workspace's recipes, by name, each with its headers and steps");
        recipes.MapGet("/{name}", Get).WithName("GetImportRecipe").WithSummary("A recipe by name: its headers and steps (in words too)")
            .ProducesProblems(StatusCodes.Status404NotFound);
        recipes.MapDelete("/{name}", Delete).WithName("DeleteImportRecipe").WithSummary("Deletes a recipe: files with its headers are no longer offered it (edits already made from it stay)")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<ImportRecipeResponse>, ProblemHttpResult>> Save(Guid id, SaveRecipeRequest? body, HttpContext http, ImportRecipeWorkflow workflow)
    {
        var saved = await workflow.SaveAsync(CurrentUser.From(http.User), id, body, http.RequestAborted);
        return saved.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(saved.Value);
    }

    public static async Task<Results<Ok<AppliedRecipeResponse>, ProblemHttpResult>> Apply(Guid id, ApplyRecipeRequest? body, HttpContext http, ImportRecipeWorkflow workflow)
    {
        var applied = await workflow.ApplyAsync(CurrentUser.From(http.User), id, body, http.RequestAborted);
        return applied.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(applied.Value);
    }

    public static async Task<Ok<ImportRecipesResponse>> List(HttpContext http, ImportRecipeWorkflow workflow) =>
        TypedResults.Ok(await workflow.ListAsync(CurrentUser.From(http.User), http.RequestAborted));

    public static async Task<Results<Ok<ImportRecipeResponse>, ProblemHttpResult>> Get(string name, HttpContext http, ImportRecipeWorkflow workflow)
    {
        var recipe = await workflow.GetAsync(CurrentUser.From(http.User), name, http.RequestAborted);
        return recipe.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(recipe.Value);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(string name, HttpContext http, ImportRecipeWorkflow workflow) =>
        await workflow.DeleteAsync(CurrentUser.From(http.User), name, http.RequestAborted) is { } refused ? refused.ToProblem() : TypedResults.NoContent();
}
