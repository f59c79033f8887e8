using System.Net;
using VeloConnect.Api.Limits;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>The stack of <see cref="ApiFixture"/> with the default request limit, and one review and one job of each kind at a time per workspace.</summary>
public sealed class LimitsFixture : ApiFixture
{
    protected override void Configure(IDictionary<string, string?> settings)
    {
        // The default request limit, not the base fixture's bucket the other tests cannot drain.
        settings.Remove("VeloConnect:Limits:RequestBurst");
        settings.Remove("VeloConnect:Limits:RequestsPerSecond");
        settings["VeloConnect:Limits:RunningImports"] = "1";
        settings["VeloConnect:Limits:RunningExports"] = "1";
        settings["VeloConnect:Limits:RunningReverts"] = "1";
        settings["VeloConnect:Limits:ConcurrentReviews"] = "1";
    }
}

[CollectionDefinition(Name)]
public sealed class LimitsCollection : ICollectionFixture<LimitsFixture>
{
    public const string Name = "limits";
}

/// <summary>Limits per workspace (issue 15): the request bucket, and the caps on jobs running at once.</summary>
[Collection(LimitsCollection.Name)]
public sealed class LimitsTests(LimitsFixture api)
{
    [Fact]
    public async Task A_burst_from_one_workspace_meets_429_with_retry_after_while_another_workspace_is_served()
    {
        var noisy = await api.NewWorkspaceAsync();
        var quiet = await api.NewWorkspaceAsync();
        var defaults = new LimitOptions();

        // Several hundred requests at once from one key, well past the default burst, and a few from another workspace meanwhile.
        var burst = Enumerable.Range(0, 3 * defaults.RequestBurst).Select(_ => noisy.Http.GetAsync("/api/me")).ToList();
        var others = Enumerable.Range(0, 20).Select(_ => quiet.Http.GetAsync("/api/me")).ToList();
        var answers = await Task.WhenAll(burst);

        Assert.All(await Task.WhenAll(others), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(answers, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"Unexpected {(int)r.StatusCode}"));
        var refused = answers.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.True(answers.Count(r => r.StatusCode == HttpStatusCode.OK) >= defaults.RequestBurst, "the burst the bucket holds is served");
        foreach (var response in refused.Take(5))
        {
            Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "a 429 says when to come back");
            await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, $"{defaults.RequestsPerSecond} a second on average");
        }

        // The noisy workspace is served again once its bucket has refilled (polled with a deadline, no fixed sleep).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await noisy.Http.GetAsync("/api/me")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the bucket never refilled");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_export_started_while_the_workspace_runs_its_cap_of_exports_answers_429_until_one_ends()
    {
        var ws = await api.NewWorkspaceAsync();
        await ws.Http.CreateContactAsync(new { name = "Ada", phones = new[] { "+14155550101" } });

        // One export running (its heartbeat ahead, so no silo takes it for lost): the cap of this fixture is 1.
        var running = Guid.NewGuid();
        await SqlAsync("""
            insert into exports (id, workspace_id, user_id, format, filter, filter_query, status, created_at, heartbeat_at)
            values (@id, @ws, @user, 'csv', '{}'::jsonb, '{}'::jsonb, 'running', now(), now() + interval '1 hour')
            """, running, ws);

        var refused = await ws.Http.PostAsync("/api/exports?q=Ada", null);
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "already has 1 exports running");
        Assert.Equal(JobCaps.RetryAfter, refused.Headers.RetryAfter?.Delta);

        // Another workspace is not held by it.
        var other = await api.NewWorkspaceAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await other.Http.PostAsync("/api/exports?q=Ada", null)).StatusCode);

        await SqlAsync("update exports set status = 'failed', error = 'test' where id = @id and workspace_id = @ws", running, ws);
        Assert.Equal(HttpStatusCode.Accepted, (await ws.Http.PostAsync("/api/exports?q=Ada", null)).StatusCode);
    }

    [Fact]
    public async Task An_import_run_while_the_workspace_runs_its_cap_of_imports_answers_429_until_one_ends()
    {
        var ws = await api.NewWorkspaceAsync();
        const string Csv = "name,phone\nAda,+14155550101\nGrace,+14155550102\n";
        var first = await ws.Http.UploadAndMapAsync(Csv);
        var second = await ws.Http.UploadAndMapAsync(Csv);
        await SqlAsync("update imports set status = 'running', heartbeat_at = now() + interval '1 hour' where id = @id and workspace_id = @ws", Guid.Parse(first), ws);

        var refused = await ws.Http.PostAsync($"/api/imports/{second}/run", null);
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "already has 1 imports running");
        Assert.Equal(JobCaps.RetryAfter, refused.Headers.RetryAfter?.Delta);

        await SqlAsync("update imports set status = 'failed', error = 'test' where id = @id and workspace_id = @ws", Guid.Parse(first), ws);
        await ws.Http.RunToEndAsync(second);
    }

    [Fact]
    public async Task Reviews_past_the_workspace_cap_at_once_answer_429_and_the_review_itself_is_served()
    {
        var ws = await api.NewWorkspaceAsync();
        // Big enough that a review lasts far longer than the moment four requests take to arrive.
        var csv = "name,phone\n" + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"Person {i},+1415555{i:D4}\n"));
        var imports = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            imports.Add(await ws.Http.UploadAndMapAsync(csv));
        }

        var answers = await Task.WhenAll(imports.Select(id => ws.Http.PostAsync($"/api/imports/{id}/review", null)));

        Assert.All(answers, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"Unexpected {(int)r.StatusCode}"));
        Assert.Contains(answers, r => r.StatusCode == HttpStatusCode.OK);
        var refused = answers.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.Equal(RequestLimits.ReviewRetryAfter, refused[0].Headers.RetryAfter?.Delta);
        await refused[0].AssertProblemAsync(HttpStatusCode.TooManyRequests, "already has 1 import review(s) in progress");

        // Once the review has ended, the refused one is served.
        var again = imports[Array.FindIndex(answers, r => r.StatusCode == HttpStatusCode.TooManyRequests)];
        Assert.Equal(HttpStatusCode.OK, (await ws.Http.PostAsync($"/api/imports/{again}/review", null)).StatusCode);
    }

    private async Task SqlAsync(string sql, Guid id, TestWorkspace ws)
    {
        await using var command = api.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("ws", ws.Id);
        command.Parameters.AddWithValue("user", ws.UserId);
        await command.ExecuteNonQueryAsync();
    }
}
