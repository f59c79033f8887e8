using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;
using VeloConnect.Client;
using VeloConnect.Web.Api;
using VeloConnect.Web.Components.Imports;
using Xunit;

namespace VeloConnect.Web.Tests.Imports;

public sealed class ReviewStepTests : BunitContext
{
    private static readonly ReviewResult Review = Wire.Review(
        Rows: 2345,
        Counts: Wire.Counts(1200, 1100, 40, 5),
        Warnings: [Wire.Warning(7, "The email belongs to contact Bob; it is left where it is.")],
        WarningCount: 1,
        Added: [Wire.Row(2, ["Ada Lovelace", "+442079460958", ""], null, null, [])],
        Updated: [Wire.Row(3, ["Alan Turing", "+442079460000", "alan@example.com"], Guid.NewGuid(), null, [])],
        Skipped: [Wire.Row(9, ["Ada again", "+442079460958", ""], null, 2, [])],
        Invalid:
        [
            Wire.Row(4, ["No Identifier", "", ""], null, null, ["No phone and no email: one of them is needed to match contacts."]),
            Wire.Row(6, ["Bad Phone", "12", "not-an-email"], null, null, ["'12' is not a phone number.", "'not-an-email' is not an email address."]),
        ]);

    private static readonly string[] Headers = ["Full name", "Mobile", "E-mail"];

    public ReviewStepTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddFluentUIComponents();
    }

    private IRenderedComponent<ReviewStep> Render(Action<ComponentParameterCollectionBuilder<ReviewStep>>? more = null) =>
        Render<ReviewStep>(parameters =>
        {
            parameters.Add(p => p.Review, Review).Add(p => p.Headers, Headers);
            more?.Invoke(parameters);
        });

    [Fact]
    public void Shows_the_four_counts()
    {
        var step = Render();

        Assert.Equal("1200", step.Find("#review-added").TextContent.Trim());
        Assert.Equal("1100", step.Find("#review-updated").TextContent.Trim());
        Assert.Equal("40", step.Find("#review-skipped").TextContent.Trim());
        Assert.Equal("5", step.Find("#review-invalid").TextContent.Trim());
        Assert.Contains("2,345 rows", step.Markup);
    }

    [Fact]
    public void The_invalid_rows_appear_with_their_row_numbers_values_and_reasons_when_asked()
    {
        var step = Render();
        Assert.Empty(step.FindAll("#review-rows-invalid"));

        var show = step.Find("#review-invalid-show");
        Assert.Equal("false", show.GetAttribute("aria-expanded"));
        show.Click();

        var rows = step.FindAll("#review-rows-invalid tbody tr");
        Assert.Equal(["4", "6"], rows.Select(r => r.GetAttribute("data-row")));
        Assert.Contains("No phone and no email", rows[0].TextContent);
        Assert.Equal(2, rows[1].QuerySelectorAll(".review-reasons li").Length);
        Assert.Contains("'12' is not a phone number.", rows[1].TextContent);
        var values = rows[1].QuerySelectorAll(".review-values div").Select(d => d.TextContent).ToList();
        Assert.Equal(["Full name" + "Bad Phone", "Mobile" + "12", "E-mail" + "not-an-email"], values);
        Assert.Contains("The first 2 of 5 rows", step.Find("#review-rows-invalid").TextContent);
        Assert.Equal("true", step.Find("#review-invalid-show").GetAttribute("aria-expanded"));
    }

    [Fact]
    public void Skipped_rows_name_the_row_they_duplicate()
    {
        var step = Render();

        step.Find("#review-skipped-show").Click();

        var row = step.Find("#review-rows-skipped tbody tr");
        Assert.Equal("9", row.GetAttribute("data-row"));
        Assert.Contains("Duplicate of row 2", row.TextContent);
    }

    [Fact]
    public void Showing_another_kind_replaces_the_rows_and_showing_it_again_hides_them()
    {
        var step = Render();

        step.Find("#review-added-show").Click();
        Assert.Contains("Ada Lovelace", step.Find("#review-rows-added").TextContent);
        step.Find("#review-updated-show").Click();
        Assert.Empty(step.FindAll("#review-rows-added"));
        Assert.Contains("Alan Turing", step.Find("#review-rows-updated").TextContent);
        step.Find("#review-updated-show").Click();
        Assert.Empty(step.FindAll(".review-rows"));
    }

    [Fact]
    public void A_count_of_zero_has_no_rows_to_show()
    {
        var review = Review with { Counts = Wire.Counts(3, 0, 0, 0), Updated = [], Skipped = [], Invalid = [] };
        var step = Render<ReviewStep>(parameters => parameters.Add(p => p.Review, review));

        Assert.Equal("0", step.Find("#review-invalid").TextContent.Trim());
        Assert.Empty(step.FindAll("#review-invalid-show"));
        Assert.NotNull(step.Find("#review-added-show"));
    }

    [Fact]
    public void Run_import_raises_the_run_event_and_back_the_back_event()
    {
        var runs = 0;
        var backs = 0;
        var step = Render(p => p.Add(x => x.OnRun, () => runs++).Add(x => x.OnBack, () => backs++));

        var buttons = step.FindAll("fluent-button");
        buttons.Single(b => b.TextContent.Trim() == "Run import").Click();
        Assert.Equal(1, runs);
        step.FindAll("fluent-button").Single(b => b.TextContent.Trim() == "Back").Click();
        Assert.Equal(1, backs);
    }

    [Fact]
    public void While_running_shows_the_rows_done_of_the_total_and_no_run_button()
    {
        var step = Render(p => p.Add(x => x.Running, true).Add(x => x.Progress, Wire.Progress(1234, 5000)));

        var progress = step.Find("#import-progress");
        Assert.Contains("1,234 of 5,000 rows", progress.TextContent);
        var bar = progress.QuerySelector("progress")!;
        Assert.Equal("5000", bar.GetAttribute("max"));
        Assert.Equal("1234", bar.GetAttribute("value"));
        Assert.DoesNotContain(step.FindAll("fluent-button"), b => b.TextContent.Contains("Run import", StringComparison.Ordinal));
    }

    [Fact]
    public void While_its_silo_is_gone_says_it_waits_for_a_silo_since_it_stalled()
    {
        var stalledAt = new DateTimeOffset(2026, 3, 31, 14, 12, 0, TimeSpan.Zero);
        var step = Render(p => p.Add(x => x.Running, true).Add(x => x.Progress, Wire.Progress(1234, 5000)).Add(x => x.StalledAt, stalledAt));

        var waiting = step.Find("#import-progress .waiting-for-silo");
        Assert.Contains("Waiting for a silo since 2026-03-31 14:12 UTC", waiting.TextContent);
        Assert.Contains("resumes where it stopped", waiting.TextContent);
        Assert.Empty(Render(p => p.Add(x => x.Running, true).Add(x => x.Progress, Wire.Progress(1234, 5000))).FindAll(".waiting-for-silo"));
    }

    [Fact]
    public void When_done_shows_the_final_counts_and_the_links()
    {
        var id = Guid.NewGuid();
        var step = Render(p => p
            .Add(x => x.Final, Finished(id, Wire.Counts(1201, 1099, 40, 5)))
            .Add(x => x.ErrorReportHref, $"/files/imports/{id}/errors.csv"));

        var done = step.Find("#import-done");
        Assert.Contains("Import finished", done.TextContent);
        Assert.Contains("1,201 added, 1,099 updated, 40 skipped, 5 invalid", done.TextContent);
        var links = done.QuerySelectorAll("a").ToList();
        string? Href(string text) => links.Single(a => a.TextContent.Trim().StartsWith(text, StringComparison.Ordinal)).GetAttribute("href");
        Assert.Equal("/contacts", Href("See the contacts"));
        Assert.Equal("/imports", Href("Import history"));
        Assert.Equal($"/files/imports/{id}/errors.csv", Href("Error report"));
        var report = links.Single(a => a.TextContent.Contains("Error report", StringComparison.Ordinal));
        Assert.True(report.HasAttribute("download"));
        Assert.Empty(step.FindAll("#import-progress"));
    }

    [Fact]
    public void Once_done_import_another_file_raises_start_over()
    {
        var startOvers = 0;
        var step = Render(p => p.Add(x => x.Final, Finished(Guid.NewGuid(), Wire.Counts(3, 0, 0, 0))).Add(x => x.OnStartOver, () => startOvers++));

        step.FindAll("#import-done button").Single(b => b.TextContent.Trim() == "Import another file").Click();

        Assert.Equal(1, startOvers);
    }

    [Fact]
    public void A_clean_import_offers_no_error_report()
    {
        var id = Guid.NewGuid();
        var step = Render(p => p
            .Add(x => x.Final, Finished(id, Wire.Counts(3, 1, 0, 0)))
            .Add(x => x.ErrorReportHref, $"/files/imports/{id}/errors.csv"));

        Assert.DoesNotContain(step.FindAll("#import-done a"), a => a.TextContent.Contains("Error report", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_import_says_so_with_its_error()
    {
        var failed = Finished(Guid.NewGuid(), Wire.Counts(10, 0, 0, 0)) with { Status = ImportStatus.Failed, Error = "The database went away." };
        var step = Render(p => p.Add(x => x.Final, failed));

        Assert.Empty(step.FindAll("#import-done"));
        Assert.Contains("The database went away.", step.Find("#import-failed").TextContent);
    }

    private static ImportResponse Finished(Guid id, ImportCounts counts) => Wire.Import(
        id, "contacts.csv", 1024, ImportStatus.Finished, DateTimeOffset.UtcNow, Wire.Encoding("utf-8", "UTF-8", null, ""), "comma",
        true, true, [], counts.Total!.Value, [], null, [], Wire.Progress(counts.Total!.Value, counts.Total!.Value), counts, DateTimeOffset.UtcNow,
        DateTimeOffset.UtcNow, null, "wizard");
}
