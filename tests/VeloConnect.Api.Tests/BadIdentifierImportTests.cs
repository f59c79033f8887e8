using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Rows with one bad identifier (issue 12): by default imported by the valid phone or email with a warning on the row
/// (review, recorded row, error report); with <c>badIdentifier: "invalid"</c> invalid as before. Review counts equal run counts.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BadIdentifierImportTests(ApiFixture fixture)
{
    private const string Csv = "Name,Phone,Email\nAnn,12,ann@example.com\nBea,+14155550711,bea@example.com\nNo id,12,not-an-email\n";

    [Fact]
    public async Task By_default_a_row_with_a_bad_phone_and_a_good_email_is_imported_by_its_email_with_the_warning_recorded_and_reported()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await MapAsync(ws.Http, Csv, policy: null, expected: "import");

        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        Assert.Equal((2, 0, 0, 1), ImportTestSupport.Counts(review));
        var warning = Assert.Single(review["warnings"]!.AsArray())!;
        Assert.Equal(2, warning["rowNumber"]!.GetValue<int>());
        Assert.Contains("column 'Phone': '12'", warning["message"]!.GetValue<string>());
        Assert.Contains("imported by its email", warning["message"]!.GetValue<string>());

        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal(ImportTestSupport.Counts(review), ImportTestSupport.Counts(done));
        var ann = await ReadAsync(await ws.Http.GetAsync("/api/contacts?q=ann%40example.com"), HttpStatusCode.OK);
        var contact = Assert.Single(ann["items"]!.AsArray())!;
        Assert.Equal("Ann", contact["name"]!.GetValue<string>());
        Assert.Empty(contact["phones"]!.AsArray());

        await using (var command = fixture.DataSource.CreateCommand("select outcome, warnings from import_rows where import_id = @id and row_number = 2"))
        {
            command.Parameters.AddWithValue("id", Guid.Parse(id));
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal("added", reader.GetString(0));
            Assert.Contains("imported by its email", Assert.Single(reader.GetFieldValue<string[]>(1)));
        }

        var lines = await ErrorReportAsync(ws.Http, id);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("2,added,\"column 'Phone': '12'", lines[1]);
        Assert.Contains("imported by its email", lines[1]);
        Assert.StartsWith("4,invalid,", lines[2]);
    }

    [Fact]
    public async Task With_the_invalid_choice_the_row_is_invalid_as_before_and_the_choice_is_remembered()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await MapAsync(ws.Http, Csv, policy: "invalid", expected: "invalid");

        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        Assert.Equal((1, 0, 0, 2), ImportTestSupport.Counts(review));
        Assert.Empty(review["warnings"]!.AsArray());
        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal(ImportTestSupport.Counts(review), ImportTestSupport.Counts(done));
        var lines = await ErrorReportAsync(ws.Http, id);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("2,invalid,\"column 'Phone': '12'", lines[1]);

        var again = await ReadAsync(await ws.Http.UploadAsync(Csv), HttpStatusCode.Created);
        Assert.Equal("remembered", again["mapping"]!["source"]!.GetValue<string>());
        Assert.Equal("invalid", again["mapping"]!["badIdentifier"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_choice_is_refused_with_the_choices()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var upload = await ReadAsync(await ws.Http.UploadAsync(Csv), HttpStatusCode.Created);
        var response = await ws.Http.PutAsJsonAsync($"/api/imports/{upload["id"]}/mapping",
            new { columns = new[] { "name", "phone", "email" }, hasHeader = true, badIdentifier = "skip" });

        var problem = await ReadAsync(response, HttpStatusCode.BadRequest);
        var message = Assert.Single(problem["errors"]!["badIdentifier"]!.AsArray())!.GetValue<string>();
        Assert.Contains("\"import\"", message);
        Assert.Contains("\"invalid\"", message);
    }

    [Fact]
    public async Task Command_line_rows_follow_the_same_choice()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await CommandLineImportTests.StartAsync(ws.Http, "Name,Phone,Email\nAnn,+14155550712,ann@example.com\n", ["name", "phone", "email"]);

        var rows = new object[] { new { row = 2, cells = new[] { "Cy", "12", "cy@example.com" } } };
        var answer = await ReadAsync(await ws.Http.SendAsync(CommandLineImportTests.RowsRequest(id, rows, "k1")), HttpStatusCode.OK);

        var result = Assert.Single(answer["results"]!.AsArray())!;
        Assert.Equal("created", result["status"]!.GetValue<string>());
        Assert.Contains("imported by its email", Assert.Single(result["warnings"]!.AsArray())!.GetValue<string>());
    }

    private static async Task<string> MapAsync(HttpClient http, string csv, string? policy, string expected)
    {
        var upload = await ReadAsync(await http.UploadAsync(csv), HttpStatusCode.Created);
        var id = upload["id"]!.GetValue<string>();
        Assert.Equal("import", upload["mapping"]!["badIdentifier"]!.GetValue<string>());
        JsonObject body = new() { ["columns"] = new JsonArray("name", "phone", "email"), ["hasHeader"] = true };
        if (policy is not null)
        {
            body["badIdentifier"] = policy;
        }

        var mapped = await ReadAsync(await http.PutAsJsonAsync($"/api/imports/{id}/mapping", body), HttpStatusCode.OK);
        Assert.Equal(expected, mapped["mapping"]!["badIdentifier"]!.GetValue<string>());
        return id;
    }

    private static async Task<string[]> ErrorReportAsync(HttpClient http, string id)
    {
        var report = await http.GetAsync($"/api/imports/{id}/errors.csv");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        return (await report.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }
}
