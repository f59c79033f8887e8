using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// A write that changes nothing leaves no trace: a field PUT or a contact PATCH whose values are the stored ones keeps
/// the row's <c>updated_at</c> (and a contact's version) and writes no audit row (fields audit their changes; a contact's
/// edit is not audited, its deletion and opt-ins are). A real change, sent after, does bump them, so the checks can see one.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class UnchangedWritesTests(ApiFixture fixture)
{
    private static readonly string[] Options = ["Gold", "Silver", "Bronze"];

    /// <summary>The bodies of a PUT that restate what the field is: nothing, {}, nulls, the same label (padded), the same options, the type.</summary>
    private static readonly string[] Pads = ["", " ", "  \t"];

    private static readonly string?[] NullBodies = [null, """{"label": null}""", """{"options": null}""", """{"label": null, "options": null}"""];

    private static readonly Gen<string?> SameField = Gen.OneOf(
        Gen.Int[0, NullBodies.Length - 1].Select(i => NullBodies[i]),
        Gen.Bool.Select(Gen.Bool, Gen.Bool, Gen.Bool, Gen.Int[0, Pads.Length - 1].Select(i => Pads[i]), (label, options, type, key, pad) =>
        {
            var body = new JsonObject();
            if (label)
            {
                body["label"] = pad + "Loyalty tier" + pad;
            }

            if (options)
            {
                body["options"] = new JsonArray([.. Options.Select(o => (JsonNode)o)]);
            }

            if (type)
            {
                body["type"] = "single_select";
            }

            if (key)
            {
                body["key"] = "tier";
            }

            return (string?)body.ToJsonString();
        }));

    [Fact]
    public async Task A_field_put_that_changes_nothing_keeps_updated_at_and_writes_no_audit_row()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ApiTestExtensions.ReadAsync(await ws.Http.PostAsJsonAsync("/api/fields", new { key = "tier", label = "Loyalty tier", type = "single_select", options = Options }), HttpStatusCode.Created);
        var before = await FieldRowAsync(ws);

        await SameField.SampleAsync(async body =>
        {
            using var content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json");
            var answer = await ApiTestExtensions.ReadAsync(await ws.Http.PutAsync("/api/fields/tier", content), HttpStatusCode.OK);
            Assert.Equal("Loyalty tier", answer["label"]!.GetValue<string>());
            Assert.Equal(before, await FieldRowAsync(ws));
        }, iter: 40, threads: 1, print: b => b ?? "(no body)");

        await ApiTestExtensions.ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/tier", new { label = "Member tier" }), HttpStatusCode.OK);
        var after = await FieldRowAsync(ws);
        Assert.NotEqual(before.UpdatedAt, after.UpdatedAt);
        Assert.Equal(before.Audited + 1, after.Audited);
    }

    [Fact]
    public async Task A_contact_patch_that_changes_nothing_keeps_updated_at_version_and_audit()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ApiTestExtensions.ReadAsync(await ws.Http.PostAsJsonAsync("/api/fields", new { key = "city", label = "City", type = "text" }), HttpStatusCode.Created);
        var id = (await ws.Http.CreateContactAsync(new { name = "Ann Lee", phones = new[] { "+14155550301" }, email = "ann@example.com", tags = new[] { "vip" }, custom = new { city = "Lisbon" } })).Id();
        var before = await ContactRowAsync(ws, id);

        string[] same =
        [
            """{"name": "Ann Lee"}""",
            """{"email": "ann@example.com", "tags": ["vip"]}""",
            """{"phones": ["+14155550301"], "custom": {"city": "Lisbon"}}""",
            """{"name": "Ann Lee", "phones": ["+14155550301"], "email": "ann@example.com", "tags": ["vip"], "custom": {"city": "Lisbon"}}""",
        ];
        foreach (var body in same)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            await ApiTestExtensions.ReadAsync(await ws.Http.PatchAsync($"/api/contacts/{id}", content), HttpStatusCode.OK);
            Assert.True(before == await ContactRowAsync(ws, id), $"PATCH {body} changed the contact's row or audit");
        }

        await ApiTestExtensions.ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{id}", new { name = "Ann Roe" }), HttpStatusCode.OK);
        var after = await ContactRowAsync(ws, id);
        Assert.NotEqual(before.UpdatedAt, after.UpdatedAt);
        Assert.Equal(before.Version + 1, after.Version);
    }

    private async Task<(DateTime UpdatedAt, long Audited)> FieldRowAsync(TestWorkspace ws)
    {
        await using var command = fixture.DataSource.CreateCommand("""
            select (select updated_at from contact_fields where workspace_id = @ws and key = 'tier'),
                   (select count(*) from audit_log where workspace_id = @ws and entity_type = 'field')
            """);
        command.Parameters.AddWithValue("ws", ws.Id);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDateTime(0), reader.GetInt64(1));
    }

    private async Task<(DateTime UpdatedAt, long Version, long Audited)> ContactRowAsync(TestWorkspace ws, string id)
    {
        await using var command = fixture.DataSource.CreateCommand("""
            select c.updated_at, c.version::bigint, (select count(*) from audit_log where workspace_id = @ws and entity_type = 'contact')
            from contacts c where c.workspace_id = @ws and c.id = @id
            """);
        command.Parameters.AddWithValue("ws", ws.Id);
        command.Parameters.AddWithValue("id", Guid.Parse(id));
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetDateTime(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
