using System.Text;
using VeloConnect.Cli.Imports;
using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.Cli.Tests;

/// <summary>
/// velo and a row with one bad identifier against the real stack: imported by its email with the warning in the errors
/// file (the default), or invalid with <c>--bad-identifier invalid</c>; an unknown choice is refused before any upload.
/// </summary>
public sealed partial class CliEndToEndTests
{
    // Row 2: all good; row 3: a phone that is no number and a good email; row 4: neither phone nor email.
    private const string OneBadPhone = "Name,Mobile,E-mail\r\nAnn Good,+1 415 555 0800,ann@example.com\r\nBob Badphone,12,bob@example.com\r\nNobody,,\r\n";
    private const string OneBadPhoneMapping = "Name=name,Mobile=phone,E-mail=email";

    [Fact]
    public async Task By_default_a_row_with_a_bad_phone_and_a_good_email_is_imported_and_listed_with_its_warning()
    {
        var (_, apiKey) = await stack.NewWorkspaceAsync();
        var path = _files.Write("one-bad-phone.csv", OneBadPhone);

        var output = await RunVeloAsync(path, apiKey, OneBadPhoneMapping);

        Assert.Contains("(--bad-identifier import)", output, StringComparison.Ordinal);
        Assert.Contains("3 rows: 2 added, 0 updated, 0 skipped, 1 invalid. 1 imported with warnings.", output, StringComparison.Ordinal);
        Assert.Contains($"Rows not imported and rows imported with warnings, with the reasons: {ErrorsFile.PathFor(path)}", output.Split(Environment.NewLine));
        Assert.Equal("Bob Badphone", (await ContactAsync(apiKey, "bob@example.com"))["name"]!.GetValue<string>());

        var errors = ErrorRows(path);
        Assert.Equal([3, 4], errors.Select(e => int.Parse(e.Cells[0], System.Globalization.CultureInfo.InvariantCulture)));
        var bob = errors[0];
        Assert.Equal("added", bob.Cells[1]);
        Assert.Contains("column 'Mobile'", bob.Cells[2], StringComparison.Ordinal);
        Assert.Contains("'12'", bob.Cells[2], StringComparison.Ordinal);
        Assert.Equal("Bob Badphone,12,bob@example.com", bob.Cells[3]);
        Assert.Equal("invalid", errors[1].Cells[1]);
    }

    [Fact]
    public async Task With_bad_identifier_invalid_a_row_with_a_bad_phone_and_a_good_email_is_invalid_and_in_the_errors_file()
    {
        var (_, apiKey) = await stack.NewWorkspaceAsync();
        var path = _files.Write("one-bad-phone-invalid.csv", OneBadPhone);

        var output = await RunVeloAsync(path, apiKey, OneBadPhoneMapping, "--bad-identifier", "invalid");

        Assert.Contains("(--bad-identifier invalid)", output, StringComparison.Ordinal);
        Assert.Contains("3 rows: 1 added, 0 updated, 0 skipped, 2 invalid. 0 imported with warnings.", output, StringComparison.Ordinal);
        Assert.Contains($"Rows not imported, with the reasons: {ErrorsFile.PathFor(path)}", output.Split(Environment.NewLine));

        var errors = ErrorRows(path);
        Assert.Equal(["3", "4"], errors.Select(e => e.Cells[0]));
        Assert.Equal("invalid", errors[0].Cells[1]);
        Assert.Contains("'12'", errors[0].Cells[2], StringComparison.Ordinal);
        Assert.Equal("Bob Badphone,12,bob@example.com", errors[0].Cells[3]);

        // The choice is remembered with the mapping: the next file with these headers, without the option, keeps it.
        var next = _files.Write("one-bad-phone-next.csv", "Name,Mobile,E-mail\r\nCy Badphone,13,cy@example.com\r\nDee Good,+1 415 555 0801,dee@example.com\r\n");
        var nextOutput = await RunVeloAsync(next, apiKey, OneBadPhoneMapping);
        Assert.Contains("(--bad-identifier invalid)", nextOutput, StringComparison.Ordinal);
        Assert.Contains("2 rows: 1 added, 0 updated, 0 skipped, 1 invalid. 0 imported with warnings.", nextOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_bad_identifier_choice_is_refused_before_anything_is_uploaded()
    {
        var (workspaceId, apiKey) = await stack.NewWorkspaceAsync();
        var path = _files.Write("one-bad-phone-refused.csv", OneBadPhone);

        using var velo = Velo.Start(["import", path, "--api", stack.ApiUrl, "--key", apiKey, "--yes", "--bad-identifier", "skip"]);
        await velo.Process.WaitForExitAsync().WaitAsync(Stalled);
        var output = velo.Output();

        Assert.Equal(2, velo.Process.ExitCode);
        Assert.Contains("--bad-identifier takes import", output, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync("select count(*) from imports where workspace_id = $1", workspaceId));
        Assert.False(File.Exists(ErrorsFile.PathFor(path)));
    }

    /// <summary>The errors file's rows (after its header), read as CSV.</summary>
    private static List<CsvRow> ErrorRows(string input)
    {
        var bytes = File.ReadAllBytes(ErrorsFile.PathFor(input));
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        using var stream = new MemoryStream(bytes[3..]);
        return [.. CsvRows.Read(stream, Encoding.UTF8, ',', hasHeader: true)];
    }
}
