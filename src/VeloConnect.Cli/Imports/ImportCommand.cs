using System.Diagnostics;
using System.Globalization;
using System.Net;
using Spectre.Console;
using VeloConnect.Cli.Api;
using VeloConnect.Client;
using ApiException = VeloConnect.Cli.Api.ApiException;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;

namespace VeloConnect.Cli.Imports;

/// <summary>Where velo talks: answers and the summary on Out, everything else (mapping, prompt, progress) on Error.</summary>
public sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error, bool ErrorIsTerminal, bool OutIsTerminal = false)
{
    /// <summary>Spectre.Console over a writer that is a terminal: the live progress bar, the summary table.</summary>
    public static IAnsiConsole Terminal(TextWriter writer) =>
        AnsiConsole.Create(new() { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.Yes, Interactive = InteractionSupport.Yes });
}

/// <summary>A refusal or failure with a message that says what to do; exit code 1.</summary>
public sealed class CliFailure(string message) : Exception(message);

/// <summary>
/// <c>velo import</c>: checks the whole file with the wizard's sniff, uploads its head for the server's analysis and mapping,
/// confirms the mapping, then streams every row through the bulk endpoint in batches (a few in flight), and finishes the
/// import. The progress file beside the input lets the same command resume an interrupted run.
/// </summary>
public sealed class ImportCommand(ImportArguments args, VeloApi api, CliConsole console)
{
    private const string Resume = "Run the same command again to resume: rows already sent are not applied twice.";

    // The recipe applied to the rows of this run (counting what each step changed), null for none.
    private RecipeApplier? _recipe;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ImportAsync(cancellationToken);
        }
        catch (CliFailure e)
        {
            console.Error.WriteLine(e.Message);
        }
        catch (ApiException e) when (e.Status == HttpStatusCode.Unauthorized)
        {
            console.Error.WriteLine($"{e.Message} The API at {args.ApiUrl} did not accept the key: check --key or VELO_API_KEY.");
        }
        catch (ApiException e)
        {
            console.Error.WriteLine(e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine();
            console.Error.WriteLine("Interrupted. " + Resume);
        }
        catch (HttpRequestException e)
        {
            console.Error.WriteLine($"Could not reach the API at {args.ApiUrl}: {e.Message}. Check --api (or VELO_API_URL) and that the API is up, then run again.");
        }

        return 1;
    }

    private async Task<int> ImportAsync(CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(args.File);
        if (!File.Exists(path))
        {
            throw new CliFailure($"There is no file '{args.File}'. Give the path of the CSV to import: velo import <file.csv>");
        }

        var name = Path.GetFileName(path);
        var progressPath = ResumeState.PathFor(path);
        var fileSize = new FileInfo(path).Length;
        var fingerprint = FileHead.Fingerprint(path);
        var progress = args.Restart ? null : ResumeState.Load(progressPath);
        if (progress is not null && (progress.FileSize != fileSize || progress.Fingerprint != fingerprint))
        {
            throw new CliFailure($"{progressPath} is the progress of an interrupted import of another version of {name} (its size or start differs). "
                + $"Run again with --restart to import this version as a new import (import {progress.ImportId} stays unfinished).");
        }

        SniffResult sniff;
        ImportResponse import;
        if (progress is null)
        {
            sniff = Sniff(path, args.HasHeader, args.ConvertFrom);
            (progress, import) = await StartAsync(path, name, fileSize, fingerprint, sniff, cancellationToken);
            if (progress is null)
            {
                return 1;
            }

            if (sniff.HasHeader != progress.HasHeader)
            {
                sniff = Sniff(path, progress.HasHeader, progress.ConvertFrom);
            }

            progress.Save(progressPath);
            await api.RunAsync(progress.ImportId, sniff.DataRowCount, cancellationToken);
        }
        else
        {
            import = await ResumeImportAsync(progress, cancellationToken);
            if (import.Status == "finished")
            {
                ResumeState.Delete(progressPath);
                return Summary(name, import, progress, null);
            }

            console.Error.WriteLine($"Resuming import {progress.ImportId} of {name}: {progress.RowsAcknowledged:N0} rows were acknowledged before it stopped.");
            sniff = Sniff(path, progress.HasHeader, progress.ConvertFrom);
            if (import.Status == "uploaded")
            {
                await api.RunAsync(progress.ImportId, sniff.DataRowCount, cancellationToken);
            }
        }

        var errorsPath = ErrorsFile.PathFor(path);
        if (progress.ErrorsLength > 0 && (!File.Exists(errorsPath) || new FileInfo(errorsPath).Length < progress.ErrorsLength))
        {
            // The errors of the acknowledged rows are gone: send every row again (the server answers recorded rows from their record).
            console.Error.WriteLine($"{errorsPath} is missing or shorter than before: sending every row again to rebuild it.");
            progress = progress with { RowsAcknowledged = 0, ErrorsLength = 0, Counts = RowCounts.Zero };
        }

        var fields = RowBatches.Fields(await api.GetFieldsAsync(cancellationToken));
        var watch = Stopwatch.StartNew();
        var startRows = progress.RowsAcknowledged;
        using (var errors = ErrorsFile.Open(errorsPath, progress.ErrorsLength))
        {
            progress = progress with { ErrorsLength = errors.Length };
            progress = await SendAsync(path, sniff, progress, fields, errors, progressPath, cancellationToken);
        }

        var total = sniff.DataRowCount;
        if (progress.RowsAcknowledged != total)
        {
            throw new CliFailure($"The file has {total:N0} data rows but {progress.RowsAcknowledged:N0} were read; was it changed while importing? {Resume}");
        }

        try
        {
            await api.FinishAsync(progress.ImportId, total, cancellationToken);
        }
        catch (ApiException e) when (e.Status == HttpStatusCode.Conflict)
        {
            // The server is missing rows the progress file calls acknowledged: the next run sends every row again.
            (progress with { RowsAcknowledged = 0, ErrorsLength = 0, Counts = RowCounts.Zero }).Save(progressPath);
            throw new CliFailure($"{e.Message}{Environment.NewLine}Run the same command again: it sends every row again, and rows already recorded are answered from their record.");
        }

        var finished = await api.GetImportAsync(progress.ImportId, cancellationToken);
        ResumeState.Delete(progressPath);
        if (_recipe is not null && progress.Recipe is { } applied)
        {
            console.Out.WriteLine(_recipe.Report(applied.Name));
        }

        var rate = watch.Elapsed.TotalSeconds > 0 ? (total - startRows) / watch.Elapsed.TotalSeconds : 0;
        return Summary(name, finished, progress, string.Create(CultureInfo.InvariantCulture,
            $"{total - startRows:N0} rows sent in {ProgressBar.FormatDuration(watch.Elapsed)} ({rate:N0} rows/s)."));
    }

    /// <summary>
    /// The wizard's analysis over the whole file (streamed), by the file's format told from its content (CSV, .xlsx/.xls,
    /// .vcf): a bad byte or an unclosed quote anywhere refuses it before anything is sent.
    /// </summary>
    private SniffResult Sniff(string path, bool? hasHeader, string? convertFrom)
    {
        using var file = File.OpenRead(path);
        var format = ImportFiles.Detect(file);
        if (args.Sheet is not null && !ImportFormats.IsSpreadsheet(format))
        {
            throw new CliFailure($"{Path.GetFileName(path)} is not an Excel workbook: --sheet chooses a sheet of an .xlsx or .xls file. Leave it out.");
        }

        var sniff = ImportFiles.Analyse(file, format,
            new SniffOptions(format == ImportFormats.VCard ? null : hasHeader, convertFrom, MaxDataRows: int.MaxValue, Sheet: args.Sheet));
        if (!sniff.CanImport)
        {
            var problems = string.Join(Environment.NewLine, sniff.Errors.Select(e => "  " + e.Message));
            var hint = sniff.Errors.Any(e => e.Code == SniffCodes.NotUtf8) ? $"{Environment.NewLine}To confirm the conversion, add --convert-from \"{sniff.Encoding.Name}\"." : "";
            throw new CliFailure($"{Path.GetFileName(path)} cannot be imported:{Environment.NewLine}{problems}{hint}");
        }

        return sniff;
    }

    /// <summary>A new import: the head uploaded, the mapping shown, confirmed and validated by the server. Null when the user declines.</summary>
    private async Task<(ResumeState?, ImportResponse)> StartAsync(string path, string name, long fileSize, string fingerprint, SniffResult sniff, CancellationToken cancellationToken)
    {
        // A CSV's head is uploaded byte for byte; a spreadsheet or vCard (whose start is no file on its own) as its first rows
        // written as a UTF-8 CSV with its header, read by the same reader the rows are sent from.
        var csv = sniff.Format == ImportFormats.Csv;
        var head = csv ? FileHead.Read(path, CsvSniffer.ReadingEncoding(sniff, args.ConvertFrom), sniff.Delimiter) : FileHead.AsCsv(path, sniff);
        var import = await api.UploadHeadAsync(name, head, fileSize, csv ? args.HasHeader : true, csv ? args.ConvertFrom : null, cancellationToken);
        if (!string.Equals(import.Delimiter, sniff.DelimiterName, StringComparison.OrdinalIgnoreCase) || import.Columns.Count != sniff.Columns.Count)
        {
            throw new CliFailure($"The API read the start of {name} as {import.Columns.Count} columns ({import.Delimiter}), velo read {sniff.Columns.Count} ({sniff.DelimiterName}); "
                + "this version of velo may not match the server. Update velo, or import the file with the wizard.");
        }

        foreach (var warning in sniff.Warnings)
        {
            console.Error.WriteLine("Note: " + warning.Message);
        }

        var headers = import.Columns.Select(c => c.Header).ToList();
        var proposed = import.Mapping ?? throw new CliFailure($"The API proposed no mapping for import {import.Id}; give one with --mapping.");
        var columns = proposed.Columns;
        var source = proposed.Source;
        if (args.Mapping is not null)
        {
            if (!MappingArgument.TryParse(args.Mapping, headers, out columns, out var error))
            {
                throw new CliFailure(error!);
            }

            source = "given";
        }

        var typed = TypedChoices(proposed, columns, headers);
        var hasHeader = csv ? args.HasHeader ?? import.HasHeader : true;
        var region = args.Region ?? proposed.Region;
        var badIdentifier = args.BadIdentifier ?? proposed.BadIdentifier ?? BadIdentifierPolicies.Import;
        // A spreadsheet's head goes up with its columns' names as a header line; whether the sheet has one is velo's reading.
        ShowMapping(name, sniff, import, headers, columns, source, csv ? hasHeader : sniff.HasHeader, region, badIdentifier);
        var recipe = await RecipeAsync(name, import, headers, cancellationToken);
        if (!args.Yes && !Confirm(sniff.DataRowCount))
        {
            return (null, import);
        }

        ImportResponse confirmed;
        try
        {
            confirmed = await api.SetMappingAsync(import.Id, new MappingRequest
            {
                Columns = columns, HasHeader = hasHeader, Region = region, BadIdentifier = badIdentifier,
                // Lists with a null per column that has no choice (the generated client types their items as not null).
                Separators = typed.Separators!, DateFormats = typed.DateFormats!, DecimalSeparators = typed.DecimalSeparators!, ValueMaps = typed.ValueMaps!,
            }, cancellationToken);
        }
        catch (ApiException e) when (e.Status == HttpStatusCode.BadRequest)
        {
            throw new CliFailure($"The mapping is not valid, nothing was imported:{Environment.NewLine}{e.Message}{Environment.NewLine}"
                + "Give a valid one with --mapping \"Header=target,...\" (targets: name, phone, phone_additional, email, tags, field:<key>, ignore).");
        }
        catch (ApiException e) when (e.Status == HttpStatusCode.UnprocessableEntity)
        {
            throw new CliFailure($"The mapping cannot be used as it is, nothing was imported:{Environment.NewLine}{e.Message}{Environment.NewLine}"
                + "Give a date column's format with --date-format \"Header=dd/MM/yyyy\", or fix the mapping in the wizard (it is remembered for the next run).");
        }

        var mapping = confirmed.Mapping ?? new MappingResponse { Columns = columns, HasHeader = hasHeader, Region = region ?? "", Source = "confirmed", BadIdentifier = badIdentifier };
        var progress = new ResumeState(ResumeState.CurrentVersion, import.Id, args.ApiUrl, fileSize, fingerprint, args.BatchRows,
            mapping.Columns, csv ? mapping.HasHeader : sniff.HasHeader, mapping.Region, [.. confirmed.Columns.Select(c => c.Header)], args.ConvertFrom, 0, 0, RowCounts.Zero, mapping.BadIdentifier,
            recipe);
        return (progress, confirmed);
    }

    /// <summary>
    /// The recipe velo applies to the rows it sends: <c>--recipe</c>'s by name, else the one the upload offered (saved for
    /// these headers), none with <c>--no-recipe</c>. Its steps are applied here, by the rules library's <see cref="RecipeApplier"/>
    /// (velo sends rows, not a file the server could edit); said before the confirmation.
    /// </summary>
    private async Task<AppliedRecipe?> RecipeAsync(string name, ImportResponse import, IReadOnlyList<string> headers, CancellationToken cancellationToken)
    {
        if (args.NoRecipe)
        {
            return null;
        }

        var recipe = import.Recipe;
        var source = "saved for these headers; --no-recipe to import without it";
        if (args.Recipe is { } asked)
        {
            try
            {
                recipe = await api.GetRecipeAsync(asked, cancellationToken);
            }
            catch (ApiException e) when (e.Status == HttpStatusCode.NotFound)
            {
                throw new CliFailure($"There is no recipe '{asked}' in this workspace, nothing was imported. Recipes are saved from the wizard's column fixes "
                    + "(GET /api/import-recipes lists them); leave --recipe out to use the one saved for the file's headers.");
            }

            source = "--recipe";
        }

        if (recipe is null)
        {
            return null;
        }

        List<RecipeStep> steps = [.. recipe.Steps.Select(s => new RecipeStep(s.Kind, s.Header, s.Value, s.Find, s.Replace, s.Prefix,
            s.Rows is { } rows ? new RowFilter(rows.Outcome, rows.Reason, rows.Q) : null))];
        if (RecipeApplier.MissingHeaders(steps, headers) is { Count: > 0 } missing)
        {
            throw new CliFailure($"Recipe '{recipe.Name}' changes the column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}, which {name} does not have; nothing was imported. "
                + "Give a recipe saved for these headers, or --no-recipe.");
        }

        console.Error.WriteLine($"Recipe '{recipe.Name}' ({source}): {string.Join("; ", steps.Select(s => s.Describe()))}.");
        return new AppliedRecipe(recipe.Name, steps);
    }

    /// <summary>
    /// The per-column choices sent with the mapping: the proposal's (remembered or detected: separators, date formats, decimal
    /// separators, value maps) for each column whose target is the proposal's, then <c>--date-format</c>'s. A column given
    /// another target by <c>--mapping</c> gets none: the server detects them again for its new target.
    /// </summary>
    private (List<string?>? Separators, List<string?>? DateFormats, List<string?>? DecimalSeparators, List<IDictionary<string, string>?>? ValueMaps) TypedChoices(
        MappingResponse proposed, IReadOnlyList<string> columns, IReadOnlyList<string> headers)
    {
        IReadOnlyDictionary<int, string> given = new Dictionary<int, string>();
        if (args.DateFormats is not null && !MappingArgument.TryParseDateFormats(args.DateFormats, headers, out given, out var error))
        {
            throw new CliFailure(error!);
        }

        bool Same(int i) => i < proposed.Columns.Count && proposed.Columns[i] == columns[i];
        List<T?>? Kept<T>(IReadOnlyList<T>? list) where T : class =>
            list is null ? null : [.. columns.Select((_, i) => Same(i) && i < list.Count ? list[i] : null)];

        var dateFormats = Kept(proposed.DateFormats);
        if (given.Count > 0)
        {
            dateFormats ??= [.. columns.Select(_ => (string?)null)];
            foreach (var (index, format) in given)
            {
                dateFormats[index] = format;
            }
        }

        return (Kept(proposed.Separators), dateFormats, Kept(proposed.DecimalSeparators), Kept(proposed.ValueMaps));
    }

    private async Task<ImportResponse> ResumeImportAsync(ResumeState progress, CancellationToken cancellationToken)
    {
        ImportResponse import;
        try
        {
            import = await api.GetImportAsync(progress.ImportId, cancellationToken);
        }
        catch (ApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            throw new CliFailure($"The interrupted import {progress.ImportId} of this file is not in this workspace at {args.ApiUrl} (another API or key?). "
                + "Run again with --restart to start a new import.");
        }

        if (import.Status == "failed")
        {
            throw new CliFailure($"Import {progress.ImportId} failed{(import.Error is { } error ? ": " + error : "")}. Run again with --restart to import the file anew.");
        }

        return import;
    }

    private Task<ResumeState> SendAsync(string path, SniffResult sniff, ResumeState progress, IReadOnlyList<ContactRules.Fields.FieldDefinition> fields,
        ErrorsFile errors, string progressPath, CancellationToken cancellationToken) =>
        new ProgressBar(console.Error, console.ErrorIsTerminal, sniff.DataRowCount, progress.RowsAcknowledged)
            .ShowAsync(acknowledged => SendRowsAsync(path, sniff, progress, fields, errors, progressPath, acknowledged, cancellationToken));

    private async Task<ResumeState> SendRowsAsync(string path, SniffResult sniff, ResumeState progress, IReadOnlyList<ContactRules.Fields.FieldDefinition> fields,
        ErrorsFile errors, string progressPath, Action<int> acknowledged, CancellationToken cancellationToken)
    {
        // Read with the confirmed choice for a row with one bad phone or email, so the in-file duplicates are the server's.
        _ = BadIdentifierPolicies.TryParse(progress.BadIdentifier, out var badIdentifier);
        var mapping = new ImportMapping([.. progress.Columns.Select(c => ColumnTarget.TryParse(c, out var t) ? t : ColumnTarget.Ignore)], progress.HasHeader, progress.Region)
        {
            BadIdentifier = badIdentifier,
        };
        using var slots = new SemaphoreSlim(args.Parallel);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var committer = new BatchCommitter(errors, progress, progressPath, slots, acknowledged);
        var sending = new List<Task>();
        Exception? failure = null;

        async Task SendOne(RowBatch batch)
        {
            try
            {
                var answer = await api.SendBatchAsync(progress.ImportId, batch.FirstRow, batch.Body(), stop.Token);
                committer.Answered(batch, answer);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref failure, e, null);
                await stop.CancelAsync();
            }
        }

        await using (var file = File.OpenRead(path))
        {
            var encoding = sniff.Format == ImportFormats.Csv ? CsvSniffer.ReadingEncoding(sniff, progress.ConvertFrom).WebName : sniff.Format;
            try
            {
                var rows = ImportFiles.Rows(file, sniff, progress.ConvertFrom, mapping.HasHeader);
                // Every row goes through the recipe, the acknowledged ones too: the same cells and in-file duplicates as before, and counts over the whole file.
                _recipe = progress.Recipe is { } recipe ? new RecipeApplier(recipe.Steps, progress.Headers, new RowReader(mapping, progress.Headers, fields)) : null;
                rows = _recipe?.Apply(rows) ?? rows;
                foreach (var batch in RowBatches.Read(rows, mapping, progress.Headers, fields, progress.BatchRows, sniff.DataRowCount))
                {
                    if (batch.RowsThrough <= progress.RowsAcknowledged)
                    {
                        continue;
                    }

                    await slots.WaitAsync(stop.Token);
                    committer.Sending(batch);
                    sending.Add(SendOne(batch));
                }
            }
            catch (OperationCanceledException) when (failure is not null)
            {
                // A batch failed: stop reading, report it below.
            }
            catch (System.Text.DecoderFallbackException e)
            {
                throw new CliFailure($"{Path.GetFileName(path)} holds bytes that are not {encoding} past its start ({e.Message}). {Resume}");
            }
            finally
            {
                // Every batch in flight ends (answered, failed or cancelled) before the errors file is closed.
                await Task.WhenAll(sending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (failure is not null)
        {
            var message = failure is ApiException or InvalidOperationException ? failure.Message : $"Sending rows failed: {failure.Message}";
            throw new CliFailure($"{message}{Environment.NewLine}{committer.Progress.RowsAcknowledged:N0} of {sniff.DataRowCount:N0} rows were acknowledged. {Resume}");
        }

        return committer.Progress;
    }

    private void ShowMapping(string name, SniffResult sniff, ImportResponse import, IReadOnlyList<string> headers, IReadOnlyList<string> columns, string source,
        bool hasHeader, string region, string badIdentifier)
    {
        var labels = (import.Targets ?? []).GroupBy(t => t.Value, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Label, StringComparer.OrdinalIgnoreCase);
        var err = console.Error;
        err.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {sniff.DataRowCount:N0} rows, {(sniff.Format == ImportFormats.Csv ? $"{sniff.DelimiterName}-separated" : sniff.Format)}{(sniff.Sheet is { } sheet ? $" (sheet '{sheet}')" : "")}, "
            + $"{(hasHeader ? sniff.HeaderRow > 1 ? $"header on row {sniff.HeaderRow}" : "with a header row" : "no header row")}, {sniff.Encoding.Name}."));
        err.WriteLine($"Mapping ({SourceText(source)}; phones without a country code are read in region {region}):");
        var width = Math.Min(40, headers.DefaultIfEmpty("").Max(h => h.Length));
        for (var i = 0; i < headers.Count; i++)
        {
            var target = i < columns.Count ? columns[i] : "ignore";
            var label = labels.TryGetValue(target, out var l) ? l : target;
            var sample = import.Columns[i].Samples.FirstOrDefault();
            err.WriteLine($"  {headers[i].PadRight(width)}  ->  {label,-20}{(sample is null ? "" : "  e.g. " + sample)}");
        }

        err.WriteLine(badIdentifier == BadIdentifierPolicies.Invalid
            ? "A row with a bad phone or email is invalid, even with another valid one (--bad-identifier invalid)."
            : "A row with a bad phone or email and another valid one is imported by the valid one, the bad value a warning in the errors file (--bad-identifier import).");
    }

    private static string SourceText(string source) => source switch
    {
        "remembered" => "remembered from your last file with these headers",
        "suggested" => "suggested from the headers and values",
        "given" => "as given with --mapping; columns not named are not imported",
        _ => source,
    };

    private bool Confirm(int rows)
    {
        console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"Import {rows:N0} rows with this mapping? [y/N] "));
        console.Error.Flush();
        var answer = console.In.ReadLine();
        if (answer is null)
        {
            throw new CliFailure("No answer to the question (the input is not a terminal): pass --yes to import with this mapping, or --mapping \"Header=target,...\" to give another.");
        }

        if (answer.Trim().ToLowerInvariant() is "y" or "yes")
        {
            return true;
        }

        console.Error.WriteLine("Nothing imported. Give another mapping with --mapping \"Header=target,...\" (targets: name, phone, phone_additional, email, tags, field:<key>, ignore).");
        return false;
    }

    /// <summary>The counts: a table on a terminal, one plain line for a script or a log (which read "N rows: … added, …").</summary>
    private int Summary(string name, ImportResponse import, ResumeState progress, string? timing)
    {
        var counts = import.Counts ?? new ImportCounts { Added = progress.Counts.Added, Updated = progress.Counts.Updated, Skipped = progress.Counts.Skipped, Invalid = progress.Counts.Invalid };

        // Rows imported with warnings: counted by velo from the answers (the import's counts have outcomes only).
        var warned = progress.Counts.Warned;
        if (console.OutIsTerminal)
        {
            console.Out.WriteLine($"Imported {name} (import {import.Id}):");
            var table = new Table().AddColumn("Outcome").AddColumn(new TableColumn("Rows").RightAligned());
            foreach (var (outcome, rows) in new[] { ("added", counts.Added), ("updated", counts.Updated), ("skipped", counts.Skipped), ("invalid", counts.Invalid), ("total", counts.Sum()) })
            {
                table.AddRow(outcome, rows.ToString("N0", CultureInfo.InvariantCulture));
            }

            // Not an outcome of its own: added or updated rows that came with warnings (in the errors file).
            table.AddRow("of which imported with warnings", warned.ToString("N0", CultureInfo.InvariantCulture));

            CliConsole.Terminal(console.Out).Write(table);
        }
        else
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Imported {name} (import {import.Id}): {counts.Sum():N0} rows: {counts.Added:N0} added, {counts.Updated:N0} updated, {counts.Skipped:N0} skipped, {counts.Invalid:N0} invalid. "
                + $"{warned:N0} imported with warnings."));
        }

        // Under the table too, on a line of its own: a table cell or caption would wrap a long path.
        var errorsPath = ErrorsFile.PathFor(Path.GetFullPath(args.File));
        if (warned > 0)
        {
            console.Out.WriteLine($"Rows not imported and rows imported with warnings, with the reasons: {errorsPath}");
        }
        else if (counts.Skipped + counts.Invalid > 0)
        {
            console.Out.WriteLine($"Rows not imported, with the reasons: {errorsPath}");
        }

        var local = progress.Counts;
        if (timing is not null && (local.Added, local.Updated, local.Skipped, local.Invalid) != (counts.Added, counts.Updated, counts.Skipped, counts.Invalid))
        {
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Note: the answers to this run's batches counted {local.Added:N0} added, {local.Updated:N0} updated, {local.Skipped:N0} skipped, {local.Invalid:N0} invalid; the import's own counts (above) are what was recorded."));
        }

        if (timing is not null)
        {
            console.Out.WriteLine(timing);
        }

        return 0;
    }
}
