using System.Net;
using System.Net.Http.Json;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>Recipes (issue 14): column fixes saved from one import, offered for the next file with the same headers, applied in one call as that import's own edits (their filters judged again on the new file's rows), not offered for other headers, read, listed and deleted by name; a wizard import with column fixes saves them when it runs.</summary>
[Collection(ApiCollection.Name)]
// Each test has a workspace of its own: recipes are kept per workspace and header set.
public sealed class ImportRecipeTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_recipe_saved_from_import_A_is_offered_for_file_B_with_the_same_headers_and_fixes_exactly_its_rows()
    {
        var ws = await fixture.NewWorkspaceAsync();
        // A: one Spanish mobile without +34 (invalid in region US), a padded email, a "Mr. " to strip.
        var a = await ws.Http.UploadAndMapAsync("Name,Phone,Email\nMr. Ana,612345678,\nBen,+14155550200, ben@example.com \n", NamePhoneEmail, "US");
        await ws.Http.EditImportAsync(a, new { kind = "prefix", column = 1, prefix = "+34", rows = new { outcome = "invalid", reason = "country" } });
        await ws.Http.EditImportAsync(a, new { kind = "trim", column = 2 });
        await ws.Http.EditImportAsync(a, new { kind = "replace", column = 0, find = "Mr. ", replace = "" });
        await ws.Http.EditImportAsync(a, new { kind = "cell", row = 3, column = 0, value = "Benjamin" }); // a single-row edit: not part of a recipe
        var saved = await ReadAsync(await ws.Http.PostAsJsonAsync($"/api/imports/{a}/recipe", new { name = "spain-fix" }), HttpStatusCode.OK);
        Assert.Equal("spain-fix", saved["name"]!.GetValue<string>());
        Assert.Equal(["prefix '+34' on Phone (invalid rows with a reason containing 'country')", "trim on Email", "replace 'Mr. ' with '' on Name"],
            saved["steps"]!.AsArray().Select(s => s!["text"]!.GetValue<string>()));

        // B: same headers, other rows. Three Spanish mobiles invalid for the missing country code (Dee's row is valid by her
        // email, with a warning: not invalid, so not prefixed), two US phones with padded emails, one "Mr. ".
        var upload = await ReadAsync(await ws.Http.UploadAsync(
            "Name,Phone,Email\nCal,612345671,\nMr. Dan,612345672,\nEva,612345673,\nDee,612345674,dee@example.com\nFio,+14155550201, fio@example.com \nGus,+14155550202, gus@example.com\n"),
            HttpStatusCode.Created);
        var b = upload["id"]!.GetValue<string>();
        var offer = upload["recipe"]!;
        Assert.Equal("spain-fix", offer["name"]!.GetValue<string>());
        Assert.Equal(3, offer["steps"]!.AsArray().Count);
        Assert.Equal("spain-fix", (await ReadAsync(await ws.Http.GetAsync($"/api/imports/{b}"), HttpStatusCode.OK))["recipe"]!["name"]!.GetValue<string>());
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{b}/mapping", new { columns = NamePhoneEmail, hasHeader = true, region = "US" }), HttpStatusCode.OK);
        Assert.Equal((3, 0, 0, 3), await ws.Http.ReviewCountsAsync(b));

        var applied = await ReadAsync(await ws.Http.PostAsJsonAsync($"/api/imports/{b}/recipe/apply", new { }), HttpStatusCode.OK);
        Assert.Equal("spain-fix", applied["name"]!.GetValue<string>());
        Assert.Equal([3, 2, 1], applied["steps"]!.AsArray().Select(s => s!["rowCount"]!.GetValue<int>()));
        var edits = (await ReadAsync(await ws.Http.GetAsync($"/api/imports/{b}/edits"), HttpStatusCode.OK))["edits"]!.AsArray();
        Assert.Equal(["replace", "trim", "prefix"], edits.Select(e => e!["kind"]!.GetValue<string>())); // newest first
        Assert.Equal((6, 0, 0, 0), await ws.Http.ReviewCountsAsync(b));

        // Each step is an edit like any other: undoing the prefix brings the three invalid rows back; making it again fixes them.
        var prefixSeq = applied["steps"]![0]!["seq"]!.GetValue<long>();
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/imports/{b}/edits/{prefixSeq}")).StatusCode);
        Assert.Equal((3, 0, 0, 3), await ws.Http.ReviewCountsAsync(b));
        await ws.Http.EditImportAsync(b, new { kind = "prefix", column = 1, prefix = "+34", rows = new { outcome = "invalid", reason = "country" } });

        Assert.Equal((6, 0, 0, 0), ImportTestSupport.Counts(await ws.Http.RunToEndAsync(b)));
        Assert.Equal("Dan", (await ws.Http.ContactByPhoneAsync("+34612345672"))["name"]!.GetValue<string>());
        Assert.Equal("gus@example.com", (await ws.Http.ContactByPhoneAsync("+14155550202"))["email"]!.GetValue<string>());
        Assert.Empty(Strings((await ws.Http.ContactByPhoneAsync("dee@example.com"))["phones"]));
        // After the run the import no longer offers the recipe (nothing left to apply it to).
        Assert.Null((await ReadAsync(await ws.Http.GetAsync($"/api/imports/{b}"), HttpStatusCode.OK))["recipe"]);
    }

    [Fact]
    public async Task A_file_with_other_headers_is_not_offered_the_recipe_and_a_deleted_recipe_is_offered_no_more()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = await ws.Http.UploadAndMapAsync("Name,Phone\nAna, +14155550210\n", ["name", "phone"], "US");
        await ws.Http.EditImportAsync(a, new { kind = "trim", column = 1 });
        await ReadAsync(await ws.Http.PostAsJsonAsync($"/api/imports/{a}/recipe", new { name = "trim-phones" }), HttpStatusCode.OK);

        var other = await ReadAsync(await ws.Http.UploadAsync("Name,Mobile\nBen, +14155550211\n"), HttpStatusCode.Created);
        Assert.Null(other["recipe"]);
        var otherId = other["id"]!.GetValue<string>();
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{otherId}/mapping", new { columns = new[] { "name", "phone" }, hasHeader = true, region = "US" }), HttpStatusCode.OK);
        await (await ws.Http.PostAsJsonAsync($"/api/imports/{otherId}/recipe/apply", new { })).AssertProblemAsync(HttpStatusCode.NotFound, "No recipe is saved for this file's headers");
        await (await ws.Http.PostAsJsonAsync($"/api/imports/{otherId}/recipe/apply", new { name = "trim-phones" })).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "'Phone'");
        Assert.Empty((await ReadAsync(await ws.Http.GetAsync($"/api/imports/{otherId}/edits"), HttpStatusCode.OK))["edits"]!.AsArray());

        // Another workspace neither sees nor is offered it.
        var stranger = await fixture.NewWorkspaceAsync();
        Assert.Null((await ReadAsync(await stranger.Http.UploadAsync("Name,Phone\nCy, +14155550212\n"), HttpStatusCode.Created))["recipe"]);
        await (await stranger.Http.GetAsync("/api/import-recipes/trim-phones")).AssertProblemAsync(HttpStatusCode.NotFound, "no recipe 'trim-phones'");

        var listed = await ReadAsync(await ws.Http.GetAsync("/api/import-recipes"), HttpStatusCode.OK);
        Assert.Equal(["trim-phones"], listed["recipes"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
        Assert.Equal(["Name", "Phone"], Strings((await ReadAsync(await ws.Http.GetAsync("/api/import-recipes/trim-phones"), HttpStatusCode.OK))["headers"]));
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync("/api/import-recipes/trim-phones")).StatusCode);
        await (await ws.Http.DeleteAsync("/api/import-recipes/trim-phones")).AssertProblemAsync(HttpStatusCode.NotFound, "GET /api/import-recipes");
        Assert.Null((await ReadAsync(await ws.Http.UploadAsync("Name,Phone\nDi, +14155550213\n"), HttpStatusCode.Created))["recipe"]);
        var audit = await ReadAsync(await ws.Http.GetAsync("/api/audit?action=import.recipe_deleted"), HttpStatusCode.OK);
        Assert.Single(audit["items"]!.AsArray());
    }

    [Fact]
    public async Task A_wizard_import_with_column_fixes_saves_them_as_its_recipe_when_it_runs_named_after_the_file()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var upload = await ReadAsync(await ws.Http.UploadAsync("Name,Phone\nAna,612345680\nBen,+14155550220\n", "HubSpot ES.csv"), HttpStatusCode.Created);
        var id = upload["id"]!.GetValue<string>();
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone" }, hasHeader = true, region = "US" }), HttpStatusCode.OK);

        // Refusals first: no column fixes yet, a bad name.
        await (await ws.Http.PostAsJsonAsync($"/api/imports/{id}/recipe", new { })).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "no column fixes");
        await ws.Http.EditImportAsync(id, new { kind = "prefix", column = 1, prefix = "+34", rows = new { reason = "country" } });
        await (await ws.Http.PostAsJsonAsync($"/api/imports/{id}/recipe", new { name = "no spaces/please" })).AssertProblemAsync(HttpStatusCode.BadRequest, "is not a recipe name");

        Assert.Equal((2, 0, 0, 0), ImportTestSupport.Counts(await ws.Http.RunToEndAsync(id)));
        var recipe = await ReadAsync(await ws.Http.GetAsync("/api/import-recipes/hubspot-es"), HttpStatusCode.OK);
        Assert.Equal("prefix '+34' on Phone (rows with a reason containing 'country')", Assert.Single(recipe["steps"]!.AsArray())!["text"]!.GetValue<string>());
        Assert.Equal(id, recipe["sourceImportId"]!.GetValue<string>());

        // A name another header set's recipe has is refused.
        var other = await ws.Http.UploadAndMapAsync("Name,Mobile\nCy, +14155550221\n", ["name", "phone"], "US");
        await ws.Http.EditImportAsync(other, new { kind = "trim", column = 1 });
        await (await ws.Http.PostAsJsonAsync($"/api/imports/{other}/recipe", new { name = "hubspot-es" })).AssertProblemAsync(HttpStatusCode.Conflict, "choose another name");
    }

    private static readonly string[] NamePhoneEmail = ["name", "phone", "email"];
}
