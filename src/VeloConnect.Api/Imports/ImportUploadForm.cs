using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Apis;
using VeloConnect.ContactRules.Imports;

namespace VeloConnect.Api.Imports;

/// <summary>The HTTP side of an upload: the multipart form read into an <see cref="ImportUpload"/>, or a 400 that says what to send.</summary>
public static class ImportUploadForm
{
    public static async Task<(ImportUpload? Upload, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request)
    {
        if (!request.HasFormContentType || (await request.ReadFormAsync(request.HttpContext.RequestAborted)) is not { } form || form.Files.GetFile("file") is not { } file)
        {
            return (null, ApiProblems.BadRequest("No file", "Send the file (CSV, .xlsx, .xls or .vcf) as multipart/form-data in a field named 'file'."));
        }

        var reading = ReadReading(form.TryGetValue("hasHeader", out var header) && header.Count > 0 ? header.ToString() : null,
            form.TryGetValue("delimiter", out var delimiter) ? delimiter.ToString() : null, form.TryGetValue("convertFrom", out var convert) ? convert.ToString() : null);
        if (reading.Problem is not null)
        {
            return (null, reading.Problem);
        }

        var commandLine = ReadCommandLine(form, file.Length, out var fileSize, out var problem);
        return problem is not null ? (null, problem) : (new ImportUpload(file.FileName, fileSize, file.OpenReadStream, reading.Options!, commandLine), null);
    }

    /// <summary>
    /// The reading options as text (from the upload's form or a re-analysis): hasHeader true/false, delimiter comma|semicolon|tab,
    /// convertFrom an encoding, sheet a spreadsheet's sheet by name (the header row is a number: see <see cref="BadHeaderRow"/>).
    /// </summary>
    public static (ReadingOptions? Options, ProblemHttpResult? Problem) ReadReading(string? headerText, string? delimiterText, string? convertText,
        string? sheetText = null)
    {
        bool? hasHeader = null;
        if (headerText is not null)
        {
            if (!bool.TryParse(headerText, out var parsed))
            {
                return (null, ApiProblems.BadRequest("Bad hasHeader", "'hasHeader' is true or false (or leave it out to let the file be analysed)."));
            }

            hasHeader = parsed;
        }

        char? delimiter = null;
        if (!string.IsNullOrWhiteSpace(delimiterText))
        {
            if (!SniffOptions.TryParseDelimiter(delimiterText, out var chosen))
            {
                return (null, ApiProblems.BadRequest("Bad delimiter", $"'{delimiterText}' is not a delimiter: use comma, semicolon or tab (or leave it out to let the file be analysed)."));
            }

            delimiter = chosen;
        }

        return (new ReadingOptions(hasHeader, delimiter, string.IsNullOrWhiteSpace(convertText) ? null : convertText.Trim(), null,
            string.IsNullOrWhiteSpace(sheetText) ? null : sheetText.Trim()), null);
    }

    public static ProblemHttpResult BadHeaderRow(int given) =>
        ApiProblems.BadRequest("Bad headerRow", $"{given} is not a row: 'headerRow' is the number of the row that holds the column names, 1 for the first row "
            + "(or leave it out to let the file be analysed).");

    /// <summary>The upload's command-line fields: <c>commandLine=true</c> and <c>fileSize</c> (the whole file's bytes; the upload is its head).</summary>
    private static bool ReadCommandLine(IFormCollection form, long uploaded, out long fileSize, out ProblemHttpResult? problem)
    {
        fileSize = uploaded;
        problem = null;
        if (!form.TryGetValue("commandLine", out var flag) || string.IsNullOrWhiteSpace(flag))
        {
            return false;
        }

        if (!bool.TryParse(flag, out var commandLine))
        {
            problem = ApiProblems.BadRequest("Bad commandLine", "'commandLine' is true (the command-line importer uploads the head of its file) or false.");
            return false;
        }

        if (commandLine && form.TryGetValue("fileSize", out var sizeText) && !string.IsNullOrWhiteSpace(sizeText))
        {
            if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < uploaded)
            {
                problem = ApiProblems.BadRequest("Bad fileSize", $"'fileSize' is the whole file's size in bytes, at least the {uploaded:N0} bytes uploaded.");
                return false;
            }

            fileSize = size;
        }

        return commandLine;
    }
}
