using System.Net;
using System.Net.Http.Json;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Issue 12 end to end: exports of common tools, generated here with the column headers their documentation lists (no exported
/// file copied in), import right the first time with the suggested mapping.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RealWorldImportTests(ApiFixture fixture)
{
    // Outlook's CSV export: name parts, several phone columns ("Primary Phone" empty in every row), ';'-separated categories.
    private const string Outlook = """
        First Name,Middle Name,Last Name,Company,Job Title,E-mail Address,Home Phone,Business Phone,Mobile Phone,Primary Phone,Categories,Notes
        Ann,,Lee,Acme,Buyer,ann@example.com,,+14155550301,+14155550300,,Pro;Wholesale,
        Bob,,Stone,Acme,,bob@example.com,,,+14155550310,,Pro,met at fair
        Cy,,Twombly,,,cy@example.com,+14155550321,,+14155550320,,,
        """;

    // Google Contacts' CSV export: groups separated by " ::: ", its own groups marked "* ".
    private const string Google = """
        Name,Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value
        Ann Lee,Ann,Lee,* myContacts ::: VIP,* Home,ann@example.com,Mobile,+14155550400
        Bob Stone,Bob,Stone,* myContacts,* Work,bob@example.com,Mobile,+14155550410
        Cy Twombly,Cy,Twombly,VIP ::: * starred ::: Press,,,Mobile,+14155550420
        """;

    [Fact]
    public async Task An_outlook_export_imports_full_names_categories_as_tags_and_the_mobile_as_primary()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var upload = await ReadAsync(await ws.Http.UploadAsync(Outlook, "outlook.csv"), HttpStatusCode.Created);
        var mapping = upload["mapping"]!;
        Assert.StartsWith("Looks like an Outlook export", mapping["knownSourceMessage"]!.GetValue<string>());
        Assert.Equal("Outlook", mapping["knownSource"]!.GetValue<string>());

        // The wizard sends the proposal back as it is: the same "name" on three columns combines them.
        var id = upload["id"]!.GetValue<string>();
        var confirmed = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping",
            new { columns = Strings(mapping["columns"]), separators = mapping["separators"], region = "US" }), HttpStatusCode.OK);
        Assert.Equal(["name", "name", "name"], Strings(confirmed["mapping"]!["columns"]).Take(3));
        Assert.Equal((3, 0, 0, 0), ImportTestSupport.Counts(await ws.Http.RunToEndAsync(id)));

        var ann = await ws.Http.ContactByPhoneAsync("+14155550300");
        Assert.Equal("Ann Lee", ann["name"]!.GetValue<string>());
        Assert.Equal(["+14155550300", "+14155550301"], Strings(ann["phones"])); // the primary first
        Assert.Equal(["Pro", "Wholesale"], Strings(ann["tags"]).Order());
        var cy = await ws.Http.ContactByPhoneAsync("+14155550320");
        Assert.Equal("Cy Twombly", cy["name"]!.GetValue<string>());
        Assert.Equal(["+14155550320", "+14155550321"], Strings(cy["phones"]));
    }

    [Fact]
    public async Task The_next_file_with_the_same_headers_gets_the_remembered_combines_and_separators()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var first = await ReadAsync(await ws.Http.UploadAsync(Outlook, "outlook.csv"), HttpStatusCode.Created);
        var columns = Strings(first["mapping"]!["columns"]);
        columns[1] = "ignore"; // the user leaves the middle name out, and chooses a pipe for the categories
        var separators = new string?[columns.Length];
        separators[10] = "|";
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{first["id"]}/mapping", new { columns, separators }), HttpStatusCode.OK);

        var again = (await ReadAsync(await ws.Http.UploadAsync(Outlook, "outlook-2.csv"), HttpStatusCode.Created))["mapping"]!;

        Assert.Equal("remembered", again["source"]!.GetValue<string>());
        Assert.Equal(["name", "ignore", "name"], Strings(again["columns"]).Take(3));
        Assert.Equal("|", again["separators"]![10]!.GetValue<string>());
        Assert.Equal("Outlook", again["knownSource"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_google_export_keeps_only_real_groups_as_tags_even_from_a_request_without_separators()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var upload = await ReadAsync(await ws.Http.UploadAsync(Google, "google.csv"), HttpStatusCode.Created);
        Assert.Equal("Google Contacts", upload["mapping"]!["knownSource"]!.GetValue<string>());
        Assert.Contains(Strings(upload["mapping"]!["notes"]), n => n.Contains("'* myContacts'", StringComparison.Ordinal));

        // An older client (or velo) sends the columns only: the separator comes from the column's samples.
        var id = upload["id"]!.GetValue<string>();
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = Strings(upload["mapping"]!["columns"]) }), HttpStatusCode.OK);
        Assert.Equal((3, 0, 0, 0), ImportTestSupport.Counts(await ws.Http.RunToEndAsync(id)));

        Assert.Equal(["VIP"], Strings((await ws.Http.ContactByPhoneAsync("+14155550400"))["tags"]));
        Assert.Empty(Strings((await ws.Http.ContactByPhoneAsync("+14155550410"))["tags"]));
        Assert.Equal(["Press", "VIP"], Strings((await ws.Http.ContactByPhoneAsync("+14155550420"))["tags"]).Order());
        Assert.Equal("Ann Lee", (await ws.Http.ContactByPhoneAsync("+14155550400"))["name"]!.GetValue<string>());
    }
}
