using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VeloConnect.Data.Workspaces;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// The contact list's filters and paging over one workspace of 30 contacts seeded through the API (once per class),
/// with created and last-activity dates set in SQL. Every expectation is the exact set of ids, in list order.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ContactFilterTests(ApiFixture fixture, ContactFilterTests.Seed seed) : IClassFixture<ContactFilterTests.Seed>
{
    [Fact]
    public async Task Without_filters_every_contact_is_listed_newest_first()
    {
        var data = await seed.GetAsync(fixture);
        var page = await ListAsync(data, "");
        Assert.Equal(ListOrder(data.Contacts), Ids(page));
        Assert.Null(page["nextCursor"]);

        // The list shows what the seed wrote: normalised phones, first tag spellings, canonical custom values, opt-ins.
        var seventeen = page["items"]!.AsArray().Single(i => i!["id"]!.GetValue<Guid>() == data.At(17).Id)!;
        Assert.Equal("+14155550117", seventeen["phones"]![0]!.GetValue<string>());
        Assert.Equal("API", seventeen["source"]!.GetValue<string>());
        Assert.Equal(20, seventeen["custom"]!["score"]!.GetValue<decimal>());
        Assert.Equal("opted_in", seventeen["optIns"]!["sms"]!["status"]!.GetValue<string>());
        Assert.Equal("opted_out", seventeen["optIns"]!["whatsapp"]!["status"]!.GetValue<string>());
        Assert.Equal("replied STOP", seventeen["optIns"]!["whatsapp"]!["source"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2024, 3, 18, 12, 0, 0, TimeSpan.Zero), seventeen["createdAt"]!.GetValue<DateTimeOffset>());
    }

    [Theory]
    [InlineData("tag=vip")]
    [InlineData("tag=VIP")]
    [InlineData("tag=Vip")]
    public async Task Tag_filter_matches_every_spelling_of_the_tag(string query)
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, query, c => c.Index % 2 == 0);
    }

    [Fact]
    public async Task Repeated_tags_must_all_match()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "tag=vip&tag=NEWSLETTER", c => c.Index % 6 == 0);
        await AssertSelectsAsync(data, "tag=vip&tag=newsletter&tag=churned", c => c.Index % 30 == 0);
        Assert.Equal([data.At(0).Id], Ids(await ListAsync(data, "tag=vip&tag=newsletter&tag=churned")));
        await AssertSelectsNoneAsync(data, "tag=vip&tag=nosuchtag");
    }

    [Fact]
    public async Task Tag_written_with_spaces_is_matched_trimmed()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "tag=pro", c => c.Index % 7 == 0);
        await AssertSelectsAsync(data, "tag=%20Pro%20", c => c.Index % 7 == 0);
    }

    [Fact]
    public async Task Source_filter_matches_case_insensitively()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "source=Manual", c => c.Index % 4 == 0);
        await AssertSelectsAsync(data, "source=manual", c => c.Index % 4 == 0);
        await AssertSelectsAsync(data, "source=API", c => c.Index % 4 != 0);
        await AssertSelectsNoneAsync(data, "source=CSV%20import");
    }

    [Fact]
    public async Task Assigned_agent_filter_selects_by_user_or_unassigned()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, $"assignedAgent={data.FirstAgent}", c => c.Index % 3 == 0);
        await AssertSelectsAsync(data, $"assignedAgent={data.SecondAgent}", c => c.Index % 3 == 1);
        await AssertSelectsAsync(data, "assignedAgent=none", c => c.Index % 3 == 2);
        await AssertSelectsAsync(data, "assignedAgent=NONE", c => c.Index % 3 == 2);
        await AssertSelectsNoneAsync(data, $"assignedAgent={Guid.NewGuid()}");
    }

    [Fact]
    public async Task Created_range_with_dates_includes_the_whole_to_day()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "createdFrom=2024-03-05", c => c.Index >= 4);
        // Contact 10 was created at 23:59:59.999999 on 2024-03-11: a date alone as "to" includes that whole day.
        await AssertSelectsAsync(data, "createdTo=2024-03-11", c => c.Index <= 10);
        await AssertSelectsAsync(data, "createdFrom=2024-03-05&createdTo=2024-03-11", c => c.Index is >= 4 and <= 10);
        Assert.Contains(data.At(10).Id, Ids(await ListAsync(data, "createdFrom=2024-03-11&createdTo=2024-03-11")));
        Assert.Equal([data.At(10).Id], Ids(await ListAsync(data, "createdFrom=2024-03-11&createdTo=2024-03-11")));
        // 21, 22 and 23 share one creation time on 2024-03-23.
        await AssertSelectsAsync(data, "createdFrom=2024-03-23&createdTo=2024-03-23", c => c.Index is 21 or 22 or 23);
        await AssertSelectsNoneAsync(data, "createdTo=2024-02-29");
    }

    [Fact]
    public async Task Created_range_with_times_is_from_inclusive_and_honours_offsets()
    {
        var data = await seed.GetAsync(fixture);
        // Contact 4 was created at exactly 2024-03-05T12:00:00Z.
        await AssertSelectsAsync(data, "createdFrom=2024-03-05T12:00:00Z", c => c.Index >= 4);
        await AssertSelectsAsync(data, "createdFrom=2024-03-05T12:00:00.001Z", c => c.Index >= 5);
        await AssertSelectsAsync(data, "createdFrom=2024-03-05T14:00:00%2B02:00", c => c.Index >= 4);
        await AssertSelectsAsync(data, "createdTo=2024-03-11T23:00:00Z", c => c.Index <= 9);
        await AssertSelectsAsync(data, "createdFrom=2024-03-05T06:00:00-06:00&createdTo=2024-03-08T00:00:00Z", c => c.Index is >= 4 and <= 6);
    }

    [Fact]
    public async Task Last_activity_range_selects_by_last_activity_date()
    {
        var data = await seed.GetAsync(fixture);
        var from = new DateTimeOffset(2024, 6, 10, 0, 0, 0, TimeSpan.Zero);
        var toExclusive = new DateTimeOffset(2024, 6, 21, 0, 0, 0, TimeSpan.Zero);
        await AssertSelectsAsync(data, "lastActivityFrom=2024-06-10", c => c.LastActivityAt >= from);
        // Contact 7's last activity is 23:59:59 on 2024-06-20.
        await AssertSelectsAsync(data, "lastActivityTo=2024-06-20", c => c.LastActivityAt < toExclusive);
        Assert.Contains(data.At(7).Id, Ids(await ListAsync(data, "lastActivityTo=2024-06-20")));
        await AssertSelectsAsync(data, "lastActivityFrom=2024-06-10&lastActivityTo=2024-06-20", c => c.LastActivityAt >= from && c.LastActivityAt < toExclusive);
        await AssertSelectsAsync(data, "lastActivityFrom=2024-06-10&lastActivityTo=2024-06-20T12:00:00Z",
            c => c.LastActivityAt >= from && c.LastActivityAt < new DateTimeOffset(2024, 6, 20, 12, 0, 0, TimeSpan.Zero));
        Assert.DoesNotContain(data.At(7).Id, Ids(await ListAsync(data, "lastActivityTo=2024-06-20T12:00:00Z")));
        // Created and last-activity ranges are independent conditions.
        await AssertSelectsAsync(data, "createdTo=2024-03-15&lastActivityFrom=2024-06-15",
            c => c.Index <= 14 && c.LastActivityAt >= new DateTimeOffset(2024, 6, 15, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Text_field_filter_matches_the_value()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "field.city=London", c => c.City == "London");
        await AssertSelectsAsync(data, "field.city=%20Paris%20", c => c.City == "Paris");
    }

    [Fact]
    public async Task Number_field_filter_matches_numerically()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "field.score=20", c => c.Score == 20);
        await AssertSelectsAsync(data, "field.score=20.00", c => c.Score == 20);
        await AssertSelectsAsync(data, "field.score=0", c => c.Score == 0);
        await AssertSelectsNoneAsync(data, "field.score=25");
    }

    [Fact]
    public async Task Boolean_field_filter_matches_true_or_false_but_not_unset()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "field.vip=true", c => c.Vip == true);
        await AssertSelectsAsync(data, "field.vip=yes", c => c.Vip == true);
        await AssertSelectsAsync(data, "field.vip=false", c => c.Vip == false);
        await AssertSelectsAsync(data, "field.vip=no", c => c.Vip == false);
    }

    [Fact]
    public async Task Single_select_field_filter_matches_the_option_in_any_case()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "field.tier=Gold", c => c.Tier == "Gold");
        await AssertSelectsAsync(data, "field.tier=gold", c => c.Tier == "Gold");
        await AssertSelectsAsync(data, "field.tier=BRONZE", c => c.Tier == "Bronze");
    }

    [Fact]
    public async Task Multi_select_field_filter_selects_contacts_that_hold_every_given_option()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "field.interests=Bikes", c => c.Interests.Contains("Bikes"));
        await AssertSelectsAsync(data, "field.interests=running", c => c.Interests.Contains("Running"));
        await AssertSelectsAsync(data, "field.interests=Bikes,Running", c => c.Index % 4 == 1);
        await AssertSelectsAsync(data, "field.interests=Running&field.interests=Swimming", c => c.Index % 4 == 2);
        await AssertSelectsNoneAsync(data, "field.interests=Bikes,Swimming");
    }

    [Fact]
    public async Task Date_field_filter_matches_the_day_in_any_accepted_spelling()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "field.birthday=1990-01-05", c => c.Birthday == "1990-01-05");
        Assert.Equal([data.At(8).Id], Ids(await ListAsync(data, "field.birthday=1990/01/05")));
        Assert.Equal([data.At(0).Id], Ids(await ListAsync(data, "field.birthday=1990-01-01")));
    }

    [Fact]
    public async Task Custom_field_filters_combine()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "field.city=Paris&field.tier=Silver", c => c.City == "Paris" && c.Tier == "Silver");
        await AssertSelectsAsync(data, "field.interests=Bikes&field.vip=true&field.city=London", c => c.Interests.Contains("Bikes") && c.Vip == true && c.City == "London");
        await AssertSelectsNoneAsync(data, "field.interests=Bikes&field.vip=true&field.score=0");
    }

    [Theory]
    [InlineData("sms", "opted_out")]
    [InlineData("sms", "opted_in")]
    [InlineData("sms", "unknown")]
    [InlineData("whatsapp", "opted_out")]
    [InlineData("whatsapp", "unknown")]
    [InlineData("email", "opted_in")]
    [InlineData("email", "unknown")]
    public async Task Opt_in_filter_selects_by_channel_status(string channel, string status)
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, $"optIn.{channel}={status}", c => c.OptIn(channel) == status);
    }

    [Fact]
    public async Task Opt_in_filter_reads_channel_and_status_in_any_case_and_combines()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "optIn.SMS=OPTED_OUT", c => c.OptIn("sms") == "opted_out");
        await AssertSelectsNoneAsync(data, "optIn.whatsapp=opted_in");
        await AssertSelectsAsync(data, "optIn.sms=unknown&optIn.whatsapp=opted_out", c => c.OptIn("sms") == "unknown" && c.OptIn("whatsapp") == "opted_out");
        // Contact 26 was opted out of SMS and then set back to unknown.
        Assert.Contains(data.At(26).Id, Ids(await ListAsync(data, "optIn.sms=unknown")));
        Assert.DoesNotContain(data.At(26).Id, Ids(await ListAsync(data, "optIn.sms=opted_out")));
    }

    [Theory]
    [InlineData("Zoë", 3)]
    [InlineData("ZOË ÅNGSTRÖM", 3)]
    [InlineData("100%", 7)]
    [InlineData("mary_jane", 12)]
    [InlineData("maryxjane@EXAMPLE.org", 13)]
    [InlineData("5550117", 17)]
    [InlineData("+14155550117", 17)]
    [InlineData("79460912", 12)]
    public async Task Search_finds_one_contact_by_name_email_or_phone(string q, int index)
    {
        var data = await seed.GetAsync(fixture);
        Assert.Equal([data.At(index).Id], Ids(await ListAsync(data, "q=" + Uri.EscapeDataString(q))));
    }

    [Theory]
    [InlineData("(415) 555-0117")]
    [InlineData("415.555.0117")]
    [InlineData("+1 415 555 0117")]
    [InlineData(" 415-555-0117 ")]
    public async Task Search_finds_a_phone_written_the_way_people_write_it(string q)
    {
        var data = await seed.GetAsync(fixture);
        Assert.Equal([data.At(17).Id], Ids(await ListAsync(data, "q=" + Uri.EscapeDataString(q))));
    }

    [Theory]
    [InlineData("example.org")]
    [InlineData("EXAMPLE.ORG")]
    [InlineData("ann")]
    [InlineData("jones")]
    [InlineData("555012")]
    public async Task Search_is_a_case_insensitive_substring_of_name_email_and_phones(string q)
    {
        var data = await seed.GetAsync(fixture);
        var needle = q.ToLowerInvariant();
        await AssertSelectsAsync(data, "q=" + Uri.EscapeDataString(q), c => c.SearchText.Contains(needle, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_without_a_match_returns_nothing()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsNoneAsync(data, "q=nobody-by-this-name");
        await AssertSelectsNoneAsync(data, "q=%25%25%25");
    }

    [Fact]
    public async Task Filters_of_different_kinds_all_apply_together()
    {
        var data = await seed.GetAsync(fixture);
        await AssertSelectsAsync(data, "tag=vip&source=Manual", c => c.Index % 2 == 0 && c.Index % 4 == 0);
        await AssertSelectsAsync(data, "field.city=London&assignedAgent=none", c => c.City == "London" && c.AgentId is null);
        await AssertSelectsAsync(data, "optIn.sms=opted_out&tag=newsletter&createdFrom=2024-03-05",
            c => c.OptIn("sms") == "opted_out" && c.Tags.Contains("newsletter") && c.Index >= 4);
        await AssertSelectsAsync(data, $"q=example.com&field.interests=Bikes&assignedAgent={data.FirstAgent}",
            c => c.SearchText.Contains("example.com", StringComparison.Ordinal) && c.Interests.Contains("Bikes") && c.AgentId == data.FirstAgent);
        await AssertSelectsAsync(data, "tag=churned&source=API&lastActivityTo=2024-06-20&optIn.email=unknown",
            c => c.Index % 5 == 0 && c.Index % 4 != 0 && c.LastActivityAt < new DateTimeOffset(2024, 6, 21, 0, 0, 0, TimeSpan.Zero) && c.OptIn("email") == "unknown");
    }

    [Fact]
    public async Task Paging_by_7_walks_every_contact_exactly_once_newest_first()
    {
        var data = await seed.GetAsync(fixture);
        var (ids, sizes) = await WalkAsync(data, "", 7);
        Assert.Equal(ListOrder(data.Contacts), ids);
        Assert.Equal([7, 7, 7, 7, 2], sizes);
    }

    [Fact]
    public async Task Paging_walks_ties_in_creation_time_without_skipping_or_repeating()
    {
        var data = await seed.GetAsync(fixture);
        // 21, 22 and 23 share a creation time and are 7th to 9th in the list: limits 7 and 8 cut through them.
        foreach (var limit in new[] { 1, 7, 8, 29 })
        {
            var (ids, _) = await WalkAsync(data, "", limit);
            Assert.Equal(ListOrder(data.Contacts), ids);
        }
    }

    [Fact]
    public async Task A_page_that_ends_exactly_at_the_last_contact_has_no_next_cursor()
    {
        var data = await seed.GetAsync(fixture);
        var (ids, sizes) = await WalkAsync(data, "", 10);
        Assert.Equal(ListOrder(data.Contacts), ids);
        Assert.Equal([10, 10, 10], sizes);

        var whole = await ListAsync(data, "limit=30");
        Assert.Equal(30, whole["items"]!.AsArray().Count);
        Assert.Null(whole["nextCursor"]);
    }

    [Fact]
    public async Task Paging_with_a_filter_walks_only_the_matching_contacts()
    {
        var data = await seed.GetAsync(fixture);
        var (ids, sizes) = await WalkAsync(data, "tag=vip", 4);
        Assert.Equal(ListOrder(data.Contacts.Where(c => c.Index % 2 == 0)), ids);
        Assert.Equal([4, 4, 4, 3], sizes);
    }

    [Theory]
    [InlineData("limit=0", "limit", "'limit' must be a whole number between 1 and 500.")]
    [InlineData("limit=501", "limit", "'limit' must be a whole number between 1 and 500.")]
    [InlineData("limit=-3", "limit", "'limit' must be a whole number between 1 and 500.")]
    [InlineData("cursor=not-a-cursor", "cursor", "'cursor' must be the nextCursor of a previous page, unchanged.")]
    [InlineData("cursor=", "cursor", "'cursor' must be the nextCursor of a previous page, unchanged.")]
    [InlineData("colour=red", "colour", "Unknown filter 'colour'. Filters: tag, source, assignedAgent")]
    [InlineData("tags=vip", "tags", "Unknown filter 'tags'.")]
    [InlineData("field.nope=1", "field.nope", "There is no contact field 'nope'; filter on one of: city, score, birthday, vip, tier, interests.")]
    [InlineData("field.score=abc", "field.score", "Score: 'abc' is not a number")]
    [InlineData("field.birthday=31/03/2024", "field.birthday", "Birthday: '31/03/2024' is not a date (use YYYY-MM-DD")]
    [InlineData("field.vip=maybe", "field.vip", "VIP: 'maybe' is not a yes/no value")]
    [InlineData("field.tier=Platinum", "field.tier", "Tier: 'Platinum' is not one of the options (Gold, Silver, Bronze)")]
    [InlineData("field.interests=Bikes,Skiing", "field.interests", "Interests: 'Skiing' is not one of the options")]
    [InlineData("field.city=", "field.city", "Give a value to filter 'city' on.")]
    [InlineData("optIn.fax=opted_out", "optIn.fax", "'fax' is not a channel; use whatsapp, sms or email.")]
    [InlineData("optIn.sms=maybe", "optIn.sms", "'maybe' is not an opt-in status; use opted_in, opted_out or unknown.")]
    [InlineData("assignedAgent=bob", "assignedAgent", "'assignedAgent' is a user id (GET /api/users) or 'none'")]
    [InlineData("createdFrom=yesterday", "createdFrom", "'yesterday' is not a date; use YYYY-MM-DD or an ISO 8601 time")]
    [InlineData("createdTo=2024-02-30", "createdTo", "'2024-02-30' is not a date")]
    [InlineData("lastActivityFrom=31/03/2024", "lastActivityFrom", "'31/03/2024' is not a date")]
    [InlineData("lastActivityTo=2024-13-01", "lastActivityTo", "'2024-13-01' is not a date")]
    public async Task Bad_parameter_is_a_validation_problem_naming_it(string query, string parameter, string message)
    {
        var data = await seed.GetAsync(fixture);
        var response = await data.Http.GetAsync("/api/contacts?" + query);
        var errors = await AssertValidationProblemAsync(response);
        Assert.Equal([parameter], errors.Select(e => e.Key));
        Assert.Contains(message, string.Join(" | ", errors[parameter]!.AsArray().Select(m => m!.GetValue<string>())));
    }

    [Fact]
    public async Task Several_bad_parameters_are_all_named()
    {
        var data = await seed.GetAsync(fixture);
        var errors = await AssertValidationProblemAsync(await data.Http.GetAsync("/api/contacts?limit=0&createdFrom=soon&field.nope=1&optIn.sms=maybe"));
        Assert.Equal(["createdFrom", "field.nope", "limit", "optIn.sms"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Non_numeric_limit_is_a_validation_problem_naming_it()
    {
        var data = await seed.GetAsync(fixture);
        var errors = await AssertValidationProblemAsync(await data.Http.GetAsync("/api/contacts?limit=ten"));
        Assert.Equal(["limit"], errors.Select(e => e.Key));
        Assert.Contains("'limit' must be a whole number between 1 and 500.", errors["limit"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_forged_cursor_out_of_the_date_range_is_a_validation_problem()
    {
        var data = await seed.GetAsync(fixture);
        foreach (var payload in new[] { $"{long.MaxValue}:{Guid.NewGuid():N}", $"{DateTimeOffset.MaxValue.UtcTicks + 1}:{Guid.NewGuid():N}", $"12:{Guid.NewGuid()}", "::" })
        {
            var cursor = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var errors = await AssertValidationProblemAsync(await data.Http.GetAsync("/api/contacts?cursor=" + cursor));
            Assert.Equal(["cursor"], errors.Select(e => e.Key));
        }
    }

    [Fact]
    public async Task Delete_by_filter_deletes_exactly_the_selected_contacts_and_is_audited()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var old = new List<Guid>();
        var kept = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            string[] tags = i switch { 0 => new[] { "old" }, 1 => ["OLD", "vip"], 2 => ["Old"], 3 => ["old"], _ => ["keep"] };
            var body = new JsonObject { ["name"] = $"Delete {i}", ["email"] = $"delete{i}@example.com", ["tags"] = new JsonArray([.. tags.Select(t => JsonValue.Create(t))]) };
            if (i == 3)
            {
                body["source"] = "Manual";
            }

            var id = await CreateAsync(ws.Http, body);
            (i < 4 ? old : kept).Add(id);
        }

        // The filter is the list's: one of the "old" ones is Manual, so this combination selects exactly that one.
        var manual = await ws.Http.DeleteAsync("/api/contacts?tag=old&source=Manual");
        Assert.Equal(HttpStatusCode.OK, manual.StatusCode);
        var manualResult = await manual.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(1, manualResult!["deleted"]!.GetValue<int>());
        Assert.Equal(0, manualResult["notFound"]!.GetValue<int>());

        var response = await ws.Http.DeleteAsync("/api/contacts?tag=old");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(3, result!["deleted"]!.GetValue<int>());
        Assert.Equal(0, result["notFound"]!.GetValue<int>());

        var remaining = await GetListAsync(ws.Http, "");
        Assert.Equal(kept.Order(), Ids(remaining).Order());
        foreach (var id in old)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await ws.Http.GetAsync($"/api/contacts/{id}")).StatusCode);
        }

        var audit = await ws.Http.GetFromJsonAsync<JsonObject>("/api/audit?action=contacts.deleted");
        var entries = audit!["items"]!.AsArray();
        Assert.Equal(2, entries.Count);
        var latest = entries[0]!;
        Assert.Equal("contacts.deleted", latest["action"]!.GetValue<string>());
        Assert.Equal(ws.UserId, latest["userId"]!.GetValue<Guid>());
        Assert.Equal(3, latest["details"]!["count"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["tag"] = "old" }, latest["details"]!["filter"]), latest["details"]!.ToJsonString());
        var first = entries[1]!;
        Assert.Equal(1, first["details"]!["count"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["tag"] = "old", ["source"] = "Manual" }, first["details"]!["filter"]), first["details"]!.ToJsonString());
    }

    [Fact]
    public async Task Delete_by_filter_records_repeated_tags_as_a_list_and_deletes_nothing_when_nothing_matches()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var both = await CreateAsync(ws.Http, new JsonObject { ["email"] = "both@example.com", ["tags"] = new JsonArray("a", "b") });
        var onlyA = await CreateAsync(ws.Http, new JsonObject { ["email"] = "a@example.com", ["tags"] = new JsonArray("a") });

        var none = await (await ws.Http.DeleteAsync("/api/contacts?tag=zzz")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(0, none!["deleted"]!.GetValue<int>());

        var result = await (await ws.Http.DeleteAsync("/api/contacts?tag=a&tag=b")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(1, result!["deleted"]!.GetValue<int>());
        Assert.Equal([onlyA], Ids(await GetListAsync(ws.Http, "")));
        Assert.Equal(HttpStatusCode.NotFound, (await ws.Http.GetAsync($"/api/contacts/{both}")).StatusCode);

        var audit = await ws.Http.GetFromJsonAsync<JsonObject>("/api/audit?action=contacts.deleted");
        var latest = audit!["items"]!.AsArray()[0]!;
        Assert.Equal(1, latest["details"]!["count"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["tag"] = new JsonArray("a", "b") }, latest["details"]!["filter"]), latest["details"]!.ToJsonString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("?confirm=yes")]
    [InlineData("?confirm=ALL")]
    [InlineData("?limit=5")]
    [InlineData("?q=%20%20")]
    public async Task Delete_without_a_filter_is_refused_unless_confirmed(string query)
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await CreateAsync(ws.Http, new JsonObject { ["email"] = "stay@example.com" });

        var response = await ws.Http.DeleteAsync("/api/contacts" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains("This would delete every contact of the workspace", problem!["detail"]!.GetValue<string>());
        Assert.Contains("add confirm=all", problem["detail"]!.GetValue<string>());
        Assert.Equal([id], Ids(await GetListAsync(ws.Http, "")));
        var audit = await ws.Http.GetFromJsonAsync<JsonObject>("/api/audit?action=contacts.deleted");
        Assert.Empty(audit!["items"]!.AsArray());
    }

    [Fact]
    public async Task Delete_with_confirm_all_deletes_every_contact_and_is_audited()
    {
        var ws = await fixture.NewWorkspaceAsync();
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync(ws.Http, new JsonObject { ["email"] = $"all{i}@example.com" });
        }

        var result = await (await ws.Http.DeleteAsync("/api/contacts?confirm=all")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(3, result!["deleted"]!.GetValue<int>());
        Assert.Empty(Ids(await GetListAsync(ws.Http, "")));

        var audit = await ws.Http.GetFromJsonAsync<JsonObject>("/api/audit?action=contacts.deleted");
        var entry = Assert.Single(audit!["items"]!.AsArray())!;
        Assert.Equal(3, entry["details"]!["count"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(new JsonObject(), entry["details"]!["filter"]), entry["details"]!.ToJsonString());
    }

    [Fact]
    public async Task Count_says_how_many_contacts_the_filter_selects_as_delete_would_take()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateAsync(ws.Http, new JsonObject { ["email"] = "c1@example.com", ["tags"] = new JsonArray("a", "b") });
        await CreateAsync(ws.Http, new JsonObject { ["email"] = "c2@example.com", ["tags"] = new JsonArray("a") });
        await CreateAsync(ws.Http, new JsonObject { ["email"] = "c3@example.com" });

        async Task<long> CountAsync(string query) =>
            (await ws.Http.GetFromJsonAsync<JsonObject>("/api/contacts/count" + query))!["count"]!.GetValue<long>();

        Assert.Equal(3, await CountAsync(""));
        Assert.Equal(2, await CountAsync("?tag=A"));
        Assert.Equal(1, await CountAsync("?tag=a&tag=b"));
        Assert.Equal(0, await CountAsync("?tag=zzz"));
        var counted = await CountAsync("?tag=a");
        var deleted = await (await ws.Http.DeleteAsync("/api/contacts?tag=a")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(counted, deleted!["deleted"]!.GetValue<int>());

        var errors = await AssertValidationProblemAsync(await ws.Http.GetAsync("/api/contacts/count?createdFrom=someday"));
        Assert.Equal(["createdFrom"], errors.Select(e => e.Key));
    }

    [Fact]
    public async Task Delete_with_a_bad_filter_deletes_nothing_and_names_the_parameter()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await CreateAsync(ws.Http, new JsonObject { ["email"] = "safe@example.com", ["tags"] = new JsonArray("x") });

        var errors = await AssertValidationProblemAsync(await ws.Http.DeleteAsync("/api/contacts?tag=x&colour=red"));
        Assert.Equal(["colour"], errors.Select(e => e.Key));
        errors = await AssertValidationProblemAsync(await ws.Http.DeleteAsync("/api/contacts?createdTo=someday&confirm=all"));
        Assert.Equal(["createdTo"], errors.Select(e => e.Key));
        Assert.Equal([id], Ids(await GetListAsync(ws.Http, "")));
    }

    private static async Task AssertSelectsAsync(SeededWorkspace data, string query, Func<SeededContact, bool> expected)
    {
        var wanted = data.Contacts.Where(expected).ToList();
        // A filter test that expects nothing, or everything, would prove little.
        Assert.True(wanted.Count > 0 && wanted.Count < data.Contacts.Count, $"The seed gives {wanted.Count} contacts for '{query}'.");
        Assert.Equal(ListOrder(wanted), Ids(await ListAsync(data, query)));
    }

    private static async Task AssertSelectsNoneAsync(SeededWorkspace data, string query) =>
        Assert.Empty(Ids(await ListAsync(data, query)));

    private static Task<JsonObject> ListAsync(SeededWorkspace data, string query) =>
        GetListAsync(data.Http, query.Length == 0 ? "limit=500" : query + (query.Contains("limit=", StringComparison.Ordinal) ? "" : "&limit=500"));

    private static async Task<JsonObject> GetListAsync(HttpClient http, string query)
    {
        var response = await http.GetAsync("/api/contacts" + (query.Length == 0 ? "" : "?" + query));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/contacts?{query}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private static async Task<(List<Guid> Ids, List<int> Sizes)> WalkAsync(SeededWorkspace data, string filter, int limit)
    {
        var ids = new List<Guid>();
        var sizes = new List<int>();
        string? cursor = null;
        do
        {
            var query = $"limit={limit}" + (filter.Length > 0 ? "&" + filter : "") + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await GetListAsync(data.Http, query);
            var pageIds = Ids(page);
            sizes.Add(pageIds.Count);
            ids.AddRange(pageIds);
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(sizes.Count <= data.Contacts.Count + 1, "Paging does not end.");
        }
        while (cursor is not null);
        return (ids, sizes);
    }

    private static async Task<Dictionary<string, JsonNode?>> AssertValidationProblemAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Contains("fix the fields listed under 'errors'", problem["detail"]!.GetValue<string>());
        return problem["errors"]!.AsObject().ToDictionary(p => p.Key, p => p.Value);
    }

    private static async Task<Guid> CreateAsync(HttpClient http, JsonObject body)
    {
        var response = await http.PostAsJsonAsync("/api/contacts", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/contacts {body.ToJsonString()}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["id"]!.GetValue<Guid>();
    }

    private static List<Guid> Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>())];

    /// <summary>The list's order: newest first, ties by id descending (PostgreSQL compares uuids byte by byte, as their hex text).</summary>
    private static List<Guid> ListOrder(IEnumerable<SeededContact> contacts) =>
        [.. contacts.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id.ToString("N"), StringComparer.Ordinal).Select(c => c.Id)];

    /// <summary>One workspace of 30 contacts, seeded on first use and shared by the class's tests (which only read it).</summary>
    public sealed class Seed : IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private SeededWorkspace? _workspace;

        public async Task<SeededWorkspace> GetAsync(ApiFixture fixture)
        {
            await _gate.WaitAsync();
            try
            {
                return _workspace ??= await SeedAsync(fixture);
            }
            finally
            {
                _gate.Release();
            }
        }

        public void Dispose() => _gate.Dispose();

        private static readonly string[] FirstNames =
        [
            "Ann", "Ben", "Cara", "Dan", "Eve", "Finn", "Gia", "Hal", "Ivy", "Jon", "Kim", "Leo", "Mary", "Ned", "Ola",
            "Pia", "Quinn", "Rex", "Sam", "Tia", "Uma", "Vic", "Wes", "Xena", "Yuri", "Zed", "Abe", "Bea", "Cy", "Di",
        ];

        private static readonly string[] LastNames = ["Archer", "Baker", "Cole", "Dunn", "Evans", "Fox", "Green", "Hart", "Irwin", "Jones"];

        private static async Task<SeededWorkspace> SeedAsync(ApiFixture fixture)
        {
            var ws = await fixture.NewWorkspaceAsync();
            var (second, _) = await new WorkspaceStore(fixture.DataSource).AddUserAsync(ws.Id, "Second agent", "second@example.com");

            foreach (var field in new JsonObject[]
            {
                new() { ["key"] = "city", ["label"] = "City", ["type"] = "text" },
                new() { ["key"] = "score", ["label"] = "Score", ["type"] = "number" },
                new() { ["key"] = "birthday", ["label"] = "Birthday", ["type"] = "date" },
                new() { ["key"] = "vip", ["label"] = "VIP", ["type"] = "boolean" },
                new() { ["key"] = "tier", ["label"] = "Tier", ["type"] = "single_select", ["options"] = new JsonArray("Gold", "Silver", "Bronze") },
                new() { ["key"] = "interests", ["label"] = "Interests", ["type"] = "multi_select", ["options"] = new JsonArray("Bikes", "Running", "Swimming") },
            })
            {
                var response = await ws.Http.PostAsJsonAsync("/api/fields", field);
                Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            }

            var contacts = new List<SeededContact>();
            for (var i = 0; i < 30; i++)
            {
                var contact = Describe(i, ws.UserId, second.Id);
                contact.Id = await CreateAsync(ws.Http, Body(contact));
                contacts.Add(contact);
            }

            foreach (var contact in contacts)
            {
                foreach (var (channel, status) in contact.OptIns)
                {
                    await SetOptInAsync(ws.Http, contact.Id, channel, status);
                }
            }

            // Contact 26 was opted in to SMS, then its consent was cleared (an opt-out cannot be cleared: only an opt-in lifts it).
            await SetOptInAsync(ws.Http, contacts[26].Id, "sms", "opted_in");
            await SetOptInAsync(ws.Http, contacts[26].Id, "sms", "unknown");

            // Known dates, set behind the API's back: nothing writes these contacts afterwards.
            await using (var update = fixture.DataSource.CreateCommand("""
                update contacts c set created_at = v.created_at, last_activity_at = v.last_activity_at
                from unnest(@ids, @created, @activity) as v(id, created_at, last_activity_at)
                where c.id = v.id and c.workspace_id = @ws
                """))
            {
                update.Parameters.AddWithValue("ids", contacts.Select(c => c.Id).ToArray());
                update.Parameters.AddWithValue("created", contacts.Select(c => c.CreatedAt).ToArray());
                update.Parameters.AddWithValue("activity", contacts.Select(c => c.LastActivityAt).ToArray());
                update.Parameters.AddWithValue("ws", ws.Id);
                Assert.Equal(30, await update.ExecuteNonQueryAsync());
            }

            return new SeededWorkspace(ws.Http, ws.UserId, second.Id, contacts);
        }

        private static SeededContact Describe(int i, Guid firstAgent, Guid secondAgent)
        {
            var first = FirstNames[i];
            var contact = new SeededContact
            {
                Index = i,
                Name = i switch
                {
                    3 => "Zoë Ångström",
                    7 => "Percy 100% Pure",
                    _ when i % 10 == 5 => null,
                    _ => $"{first} {LastNames[i % 10]}",
                },
                Email = i switch
                {
                    12 => "mary_jane@example.org",
                    13 => "maryxjane@example.org",
                    _ when i % 10 == 8 => null,
                    _ => $"{first.ToLowerInvariant()}.{i:00}@{(i % 4 == 3 ? "Example.ORG" : "example.com")}",
                },
                Source = i % 4 == 0 ? "Manual" : "API",
                AgentId = (i % 3) switch { 0 => firstAgent, 1 => secondAgent, _ => null },
                City = (i % 4) switch { 0 => "London", 1 => "Paris", 2 => "Berlin", _ => null },
                Score = i % 7 == 0 ? null : i % 5 * 10,
                Vip = (i % 3) switch { 0 => true, 1 => false, _ => null },
                Tier = i < 20 ? (i % 3) switch { 0 => "Gold", 1 => "Silver", _ => "Bronze" } : null,
                Interests = (i % 4) switch { 0 => ["Bikes"], 1 => ["Bikes", "Running"], 2 => ["Running", "Swimming"], _ => [] },
                Birthday = i % 2 == 0 ? $"1990-01-{i / 2 + 1:00}" : null,
                CreatedAt = i switch
                {
                    10 => new DateTimeOffset(2024, 3, 11, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990),
                    21 or 23 => new DateTimeOffset(2024, 3, 23, 12, 0, 0, TimeSpan.Zero),
                    _ => new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero).AddDays(i),
                },
                LastActivityAt = i == 7
                    ? new DateTimeOffset(2024, 6, 20, 23, 59, 59, TimeSpan.Zero)
                    : new DateTimeOffset(2024, 6, 1, 8, 0, 0, TimeSpan.Zero).AddDays(i * 7 % 30),
            };

            if (i % 10 != 9)
            {
                contact.Phones.Add($"+1415555{100 + i:0000}");
                contact.PhoneInputs.Add((i % 3) switch
                {
                    0 => $"(415) 555-{100 + i:0000}",
                    1 => $"415.555.{100 + i:0000}",
                    _ => $"+1 415 555 {100 + i:0000}",
                });
                if (i % 6 == 0)
                {
                    contact.Phones.Add($"+4420794609{i:00}");
                    contact.PhoneInputs.Add($"+44 20 7946 09{i:00}");
                }
            }

            if (i % 2 == 0)
            {
                contact.TagInputs.Add((i % 3) switch { 0 => "vip", 1 => "VIP", _ => "Vip" });
            }

            if (i % 3 == 0)
            {
                contact.TagInputs.Add("newsletter");
            }

            if (i % 5 == 0)
            {
                contact.TagInputs.Add("Churned");
            }

            if (i % 7 == 0)
            {
                contact.TagInputs.Add(" pro ");
            }

            if (i % 5 == 1)
            {
                contact.OptIns["sms"] = "opted_out";
            }
            else if (i % 5 == 2)
            {
                contact.OptIns["sms"] = "opted_in";
            }

            if (i % 7 == 3)
            {
                contact.OptIns["whatsapp"] = "opted_out";
            }

            if (i % 8 == 0)
            {
                contact.OptIns["email"] = "opted_in";
            }

            return contact;
        }

        /// <summary>The create body, with values spelled in the various ways the API accepts.</summary>
        private static JsonObject Body(SeededContact c)
        {
            var custom = new JsonObject();
            if (c.City is not null)
            {
                custom["city"] = c.City;
            }

            if (c.Score is { } score)
            {
                custom["score"] = c.Index % 2 == 1 ? JsonValue.Create(score.ToString(System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(score);
            }

            if (c.Vip is { } vip)
            {
                custom["vip"] = c.Index % 4 == 0 ? JsonValue.Create(vip ? "yes" : "no") : JsonValue.Create(vip);
            }

            if (c.Tier is not null)
            {
                custom["tier"] = c.Index % 5 == 0 ? c.Tier.ToLowerInvariant() : c.Tier;
            }

            if (c.Interests.Length > 0)
            {
                custom["interests"] = c.Index % 4 == 1 ? JsonValue.Create("bikes, RUNNING") : new JsonArray([.. c.Interests.Select(o => JsonValue.Create(o))]);
            }

            if (c.Birthday is not null)
            {
                custom["birthday"] = c.Index == 0 ? "1990/01/01" : c.Birthday;
            }

            var body = new JsonObject
            {
                ["phones"] = new JsonArray([.. c.PhoneInputs.Select(p => JsonValue.Create(p))]),
                ["tags"] = new JsonArray([.. c.TagInputs.Select(t => JsonValue.Create(t))]),
                ["custom"] = custom,
            };
            if (c.Name is not null)
            {
                body["name"] = c.Name;
            }

            if (c.Email is not null)
            {
                body["email"] = c.Email;
            }

            if (c.AgentId is { } agent)
            {
                body["assignedAgentId"] = agent.ToString();
            }

            // Source: given as "Manual", given in lower case as "api", or left out (API is the default).
            if (c.Source == "Manual")
            {
                body["source"] = "Manual";
            }
            else if (c.Index % 4 != 1)
            {
                body["source"] = "api";
            }

            return body;
        }

        private static async Task SetOptInAsync(HttpClient http, Guid id, string channel, string status)
        {
            var response = await http.PutAsJsonAsync($"/api/contacts/{id}/opt-ins/{channel}", new { status, source = "replied STOP" });
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
    }

    public sealed record SeededWorkspace(HttpClient Http, Guid FirstAgent, Guid SecondAgent, IReadOnlyList<SeededContact> Contacts)
    {
        public SeededContact At(int index) => Contacts[index];
    }

    /// <summary>What the seed wrote for one contact: the model the expectations are computed from.</summary>
    public sealed class SeededContact
    {
        public int Index { get; init; }

        public Guid Id { get; set; }

        public string? Name { get; init; }

        public List<string> PhoneInputs { get; } = [];

        public List<string> Phones { get; } = [];

        public string? Email { get; init; }

        public List<string> TagInputs { get; } = [];

        public IEnumerable<string> Tags => TagInputs.Select(t => t.Trim().ToLowerInvariant());

        public required string Source { get; init; }

        public Guid? AgentId { get; init; }

        public string? City { get; init; }

        public decimal? Score { get; init; }

        public bool? Vip { get; init; }

        public string? Tier { get; init; }

        public required string[] Interests { get; init; }

        public string? Birthday { get; init; }

        public Dictionary<string, string> OptIns { get; } = [];

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset LastActivityAt { get; init; }

        public string SearchText => string.Join(' ', new[] { Name, Email }.Concat(Phones).Where(s => s is not null)).ToLowerInvariant();

        public string OptIn(string channel) => Index == 26 && channel == "sms" ? "unknown" : OptIns.GetValueOrDefault(channel, "unknown");
    }
}
