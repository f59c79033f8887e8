using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace VeloConnect.Cli.Tests;

/// <summary>
/// velo and recipes (issue 14) against the real stack: the recipe saved from a wizard import's column fixes is applied by
/// default to the rows velo sends for a file with the same headers (its filters judged on each row), and velo says what each
/// step changed; <c>--no-recipe</c> sends the rows as they are; <c>--recipe</c> names one, an unknown name is refused.
/// </summary>
public sealed partial class CliEndToEndTests
{
    private const string RecipeHeaders = "Name,Mobile,E-mail";
    private const string RecipeMapping = "Name=name,Mobile=phone,E-mail=email";

    [Fact]
    public async Task The_recipe_saved_for_the_headers_is_applied_to_the_rows_velo_sends_and_velo_reports_what_it_changed()
    {
        var (_, apiKey) = await stack.NewWorkspaceAsync();
        await SaveRecipeAsync(apiKey, $"{RecipeHeaders}\r\nAna Ruiz,612345600,\r\nBen Ode,+1 415 555 0700, ben@example.com \r\n", "spain-fix");

        // Two Spanish mobiles without +34 (invalid in region US); Dee's is valid by her email, with a warning: not prefixed.
        var path = _files.Write("recipe-next.csv", $"{RecipeHeaders}\r\nCal Sol,612345601,\r\nDan Mar,612345602,\r\n"
            + "Dee Paz,612345603,dee@example.com\r\nEva Lin,+1 415 555 0701, eva@example.com \r\n");
        var output = await RunVeloAsync(path, apiKey, RecipeMapping, "--region", "US");

        Assert.Contains("Recipe 'spain-fix' (saved for these headers; --no-recipe to import without it): prefix '+34' on Mobile (invalid rows with a reason containing 'country'); trim on E-mail.",
            output, StringComparison.Ordinal);
        Assert.Contains("4 rows: 4 added, 0 updated, 0 skipped, 0 invalid.", output, StringComparison.Ordinal);
        Assert.Contains("recipe 'spain-fix': prefix '+34' on Mobile (invalid rows with a reason containing 'country'): 2 rows; trim on E-mail: 1 rows", output, StringComparison.Ordinal);
        Assert.Equal("Dan Mar", (await ContactAsync(apiKey, "+34612345602"))["name"]!.GetValue<string>());
        Assert.Empty((await ContactAsync(apiKey, "dee@example.com"))["phones"]!.AsArray());

        // Without it, the same kind of rows stay invalid.
        var plain = _files.Write("recipe-plain.csv", $"{RecipeHeaders}\r\nFay Gil,612345604,\r\n");
        var without = await RunVeloAsync(plain, apiKey, RecipeMapping, "--region", "US", "--no-recipe");
        Assert.Contains("1 rows: 0 added, 0 updated, 0 skipped, 1 invalid.", without, StringComparison.Ordinal);
        Assert.DoesNotContain("recipe '", without, StringComparison.OrdinalIgnoreCase);

        using var unknown = Velo.Start(["import", plain, "--api", stack.ApiUrl, "--key", apiKey, "--yes", "--mapping", RecipeMapping, "--recipe", "no-such", "--restart"]);
        await unknown.Process.WaitForExitAsync().WaitAsync(Stalled);
        Assert.Equal(1, unknown.Process.ExitCode);
        Assert.Contains("There is no recipe 'no-such' in this workspace", unknown.Output(), StringComparison.Ordinal);
    }

    /// <summary>A wizard import of the file with the recipe's fixes made over it (prefix +34 on the invalid rows missing a country code, trim on E-mail), saved under the name.</summary>
    private async Task SaveRecipeAsync(string apiKey, string csv, string name)
    {
        using var http = stack.Client(apiKey);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "recipe-source.csv");
        var upload = (await (await http.PostAsync("api/imports", form)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!;
        var id = upload["id"]!.GetValue<string>();
        (await http.PutAsJsonAsync($"api/imports/{id}/mapping", new { columns = new[] { "name", "phone", "email" }, hasHeader = true, region = "US" })).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"api/imports/{id}/edits", new { kind = "prefix", column = 1, prefix = "+34", rows = new { outcome = "invalid", reason = "country" } })).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"api/imports/{id}/edits", new { kind = "trim", column = 2 })).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"api/imports/{id}/recipe", new { name })).EnsureSuccessStatusCode();
    }
}
