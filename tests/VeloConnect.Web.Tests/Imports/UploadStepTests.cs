using System.Net;
using System.Text;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;
using VeloConnect.Client;
using VeloConnect.Web.Api;
using VeloConnect.Web.Components.Imports;
using Xunit;

namespace VeloConnect.Web.Tests.Imports;

public sealed class UploadStepTests : BunitContext
{
    public UploadStepTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddFluentUIComponents();
    }

    [Fact]
    public async Task A_file_over_the_row_limit_shows_the_apis_message_in_the_limit_box()
    {
        var refusal = await ProblemAsync("""
            {"title":"The file cannot be imported","status":422,"detail":"The file has 50,001 data rows; the limit is 50,000. Split it into files of 10,000-20,000 rows.","code":"too_many_rows","encoding":{"verdict":"utf-8","name":"UTF-8","firstBadLine":null,"message":""}}
            """);

        var step = Render<UploadStep>(p => p.Add(x => x.Refusal, refusal));

        var limit = step.Find("#import-limit");
        Assert.Contains("50,001 data rows; the limit is 50,000", limit.TextContent);
        Assert.Empty(step.FindAll("#import-row-count"));
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_names_the_encoding_and_offers_the_conversion()
    {
        var refusal = await ProblemAsync("""
            {"title":"The file cannot be imported","status":422,"detail":"This file is not UTF-8: it looks like windows-1252 (first non-UTF-8 byte on line 3).","code":"not_utf8","encoding":{"verdict":"not-utf-8","name":"windows-1252","firstBadLine":3,"message":"This file is not UTF-8: it looks like windows-1252 (first non-UTF-8 byte on line 3)."}}
            """);
        var chosen = new List<string?>();
        var step = Render<UploadStep>(p => p.Add(x => x.Refusal, refusal).Add(x => x.OnConvertFromChanged, (string? value) => chosen.Add(value)));

        Assert.Contains("windows-1252 (first non-UTF-8 byte on line 3)", step.Find("#import-encoding-warning").TextContent);
        var select = step.Find("select#import-convert-from");
        Assert.Equal(["", "windows-1252"], select.QuerySelectorAll("option").Select(o => o.GetAttribute("value")));
        select.Change("windows-1252");
        Assert.Equal(["windows-1252"], chosen);
    }

    [Fact]
    public void The_analysis_shows_rows_delimiter_and_header_choice()
    {
        bool? header = null;
        var nexts = 0;
        var step = Render<UploadStep>(p => p
            .Add(x => x.Import, Analysed())
            .Add(x => x.OnHeaderChanged, (bool value) => header = value)
            .Add(x => x.OnNext, () => nexts++));

        Assert.Contains("1,234", step.Find("#import-row-count").TextContent);
        Assert.Contains("data rows", step.Find("#import-row-count").TextContent);
        Assert.Equal("semicolon", step.Find("#import-delimiter option[selected]").GetAttribute("value"));
        Assert.Equal("Delimiter", step.Find("label[for='import-delimiter']").TextContent.Trim());
        var checkbox = step.Find("input[type=checkbox]#import-has-header");
        Assert.True(checkbox.HasAttribute("checked"));
        Assert.Equal("First row is a header", step.Find("label[for='import-has-header']").TextContent.Trim());
        Assert.Contains("Row 7 has 5 cells", step.Find("#import-warnings").TextContent);
        Assert.Empty(step.FindAll("#import-encoding-warning"));

        checkbox.Change(false);
        Assert.False(header);
        step.FindAll("fluent-button").Single(b => b.TextContent.Trim() == "Next: map columns").Click();
        Assert.Equal(1, nexts);
    }

    [Fact]
    public void A_converted_file_keeps_its_warning_and_the_chosen_conversion()
    {
        var converted = Analysed() with
        {
            Encoding = Wire.Encoding("not-utf-8", "windows-1252", 3, "It is converted from windows-1252, as you confirmed."),
        };
        var step = Render<UploadStep>(p => p.Add(x => x.Import, converted).Add(x => x.ConvertFrom, "windows-1252"));

        Assert.Contains("converted from windows-1252", step.Find("#import-encoding-warning").TextContent);
        Assert.Equal("windows-1252", step.Find("#import-convert-from option[selected]").GetAttribute("value"));
    }

    private static ImportResponse Analysed() => Wire.Import(
        Guid.NewGuid(), "contacts.csv", 40_000, ImportStatus.Uploaded, DateTimeOffset.UtcNow, Wire.Encoding("utf-8", "UTF-8", null, "UTF-8"),
        "semicolon", true, true, [Wire.Column(0, "Name", ["Ann"]), Wire.Column(1, "Phone", ["+1 415 555 0100"])], 1234,
        [Wire.Problem("ragged_rows", "Row 7 has 5 cells; the header has 4.", 7)], null, [], Wire.Progress(0, 1234), Wire.Counts(0, 0, 0, 0),
        null, null, null, "wizard");

    private static async Task<ApiProblemException> ProblemAsync(string json)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.UnprocessableEntity)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/problem+json"),
        };
        return await ApiProblemException.FromAsync(response, CancellationToken.None);
    }
}
