using Sluice.Engine.DuckDb;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Connectors.Files;

/// <summary>
/// <c>source: files</c>. CSV, JSON lines, JSON arrays and Parquet from local paths or globs, read by
/// DuckDB straight into the staged Parquet dataset. Malformed CSV rows fail the task with file and
/// line, or go to a quarantine dataset.
/// </summary>
public sealed class FilesSource(DuckDbSettings? settings = null) : IConnector, IDuckDbFusableSource
{
    public string Name => "files";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Reads CSV, JSON lines, JSON arrays or Parquet files from a path or glob.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("path", OptionKind.StringList, "File path or glob (*, **, ?), relative to the pipeline file; templated, e.g. data/orders_{{ ds }}.csv. A list reads several.") { Required = true },
        OptionSpec.OneOf("format", "File format; auto picks it from the extension.", "auto", FileFormats.Names),
        new("header", OptionKind.Boolean, "CSV: the first line holds column names.") { Default = "true" },
        OptionSpec.Text("delimiter", "CSV: field separator.", @default: ","),
        OptionSpec.Text("quote", "CSV: quote character.", @default: "\""),
        OptionSpec.Text("escape", "CSV: escape character inside quotes (defaults to the quote character)."),
        OptionSpec.OneOf("encoding", "CSV: text encoding.", "utf-8", "utf-8", "utf-16", "latin-1"),
        new("null_values", OptionKind.StringList, "CSV: strings read as null (default: the empty string)."),
        new("skip_rows", OptionKind.Integer, "CSV: lines to skip before the header.") { Default = "0" },
        OptionSpec.Text("date_format", "CSV: strptime format of DATE columns, e.g. %d/%m/%Y."),
        OptionSpec.Text("timestamp_format", "CSV: strptime format of TIMESTAMP columns."),
        new("columns", OptionKind.StringMap, "Column names and SQL types; otherwise the output dataset's declared columns, otherwise detected."),
        OptionSpec.Text("filename_column", "Adds a column holding each row's source file path."),
        new("allow_missing", OptionKind.Boolean, "Write an empty dataset instead of failing when no file matches (needs declared columns).") { Default = "false" },
    ];

    public IEnumerable<string> Validate(TaskDefinition task)
    {
        if (task.OnBadRows == BadRowPolicy.Quarantine && task.Options.Find("format") is ScalarOption { Value: { } f } && f.ToLowerInvariant() is not ("csv" or "auto"))
        {
            yield return $"on_bad_rows: quarantine is supported for CSV files; format '{f}' fails on a malformed record instead.";
        }
    }

    /// <summary>CSV only (see <see cref="FusedCsvRead"/>): its structure check tells a clean file from one the staged path must report.</summary>
    public bool CanFuse(TaskDefinition source, PipelineDefinition pipeline) => FusedCsvRead.CanFuse(source);

    public Task<FusedRead> BindAsync(TaskContext context, DuckDbSession session, string view, CancellationToken cancellationToken) =>
        FusedCsvRead.BindAsync(context, session, view, cancellationToken);

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var rawPatterns = context.Task.Options.Find("path") switch
        {
            ListOption list => list.Items.OfType<ScalarOption>().Select(i => i.Value ?? string.Empty).ToList(),
            ScalarOption s => [s.Value ?? string.Empty],
            _ => [],
        };
        var patterns = options.GetList("path").Select(context.ResolvePath).ToList();
        var format = FileFormats.Resolve(options.GetChoice("format"), patterns[0]);
        var output = context.Task.Outputs[0];
        var columns = DeclaredColumns(context, output);

        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        var files = await MatchFilesAsync(session, patterns, cancellationToken);
        if (files.Count == 0)
        {
            if (options.GetBool("allow_missing") && columns.Count > 0)
            {
                var empty = $"SELECT * FROM (SELECT {string.Join(", ", columns.Select(c => $"CAST(NULL AS {c.Value}) AS {SqlText.Identifier(c.Key)}"))}) WHERE false";
                await session.CopyToParquetAsync(empty, [], context.OutputPath(output), cancellationToken);
                context.Log($"no file matches {string.Join(", ", patterns)}; wrote an empty dataset");
                return new TaskOutcome { RowsWritten = new Dictionary<string, long> { [output] = 0 } };
            }

            var hint = options.GetBool("allow_missing") ? " (allow_missing needs the columns declared, to write an empty dataset with the right schema)" : string.Empty;
            throw new SluiceException(MissingFileMessage(context, rawPatterns, patterns) + hint);
        }

        context.Log($"reading {files.Count} {format.ToString().ToLowerInvariant()} file(s): {string.Join(", ", files.Take(3).Select(Path.GetFileName))}{(files.Count > 3 ? ", ..." : string.Empty)}");
        var tabSeparated = patterns[0].EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) && !options.Has("delimiter");
        if (format == FileFormat.Csv && columns.Count > 0 && options.GetBool("header"))
        {
            var quote = options.GetRequiredString("quote");
            CsvHeader.EnsureMatches(files, columns.Select(c => c.Key).ToList(), tabSeparated ? "\t" : options.GetRequiredString("delimiter"), quote.Length > 0 ? quote[0] : '"', options.GetChoice("encoding"), options.GetInt("skip_rows"), context.Task.Id);
        }

        using var exactJson = format is FileFormat.JsonLines or FileFormat.JsonArray
            ? await ExactJsonAsync(files, format, columns, context, cancellationToken)
            : null;
        var read = exactJson is null
            ? new FileReadQuery(options, format, columns, context.Task.OnBadRows == BadRowPolicy.Quarantine || format == FileFormat.Csv, tabSeparated)
            : new FileReadQuery(options, FileFormat.JsonLines, exactJson.ReadColumns(columns), storeRejects: false);
        var dialect = format == FileFormat.Csv ? CsvPreparation.Dialect(options, tabSeparated, columns.Count) : null;
        if (format == FileFormat.Csv)
        {
            await CsvPreparation.CreateTablesAsync(session, cancellationToken);
        }

        // The structure check reads each CSV file on one core while DuckDB reads the same files. Only when
        // it finds records to blank out (rare) is DuckDB's read thrown away and done again from cleaned copies.
        var checking = dialect is null ? null : Task.Run(() => CsvPreparation.CheckAsync(files, dialect, cancellationToken), cancellationToken);
        CsvPreparation? csv = null;
        try
        {
            var (rows, failed) = await CopyAsync(session, context, read, exactJson, null, files, output, tolerate: checking is not null, cancellationToken);
            if (checking is not null)
            {
                csv = await CsvPreparation.ApplyAsync(session, await checking, dialect!, context, (settings ?? DuckDbSettings.Default).TempDirectory, cancellationToken);
                if (csv.HasCopies)
                {
                    // What DuckDB rejected in the discarded read must not count twice.
                    await session.ExecuteAsync("DROP TABLE IF EXISTS reject_errors", [], cancellationToken);
                    await session.ExecuteAsync("DROP TABLE IF EXISTS reject_scans", [], cancellationToken);
                    (rows, failed) = await CopyAsync(session, context, read, exactJson, csv, files, output, tolerate: false, cancellationToken);
                }
            }

            if (failed is not null)
            {
                throw new BadDataException($"task '{context.Task.Id}': could not read {string.Join(", ", files)}: {DuckDbErrors.FirstLine(failed.Message)}");
            }

            return await FinishAsync(session, context, format, output, rows, cancellationToken);
        }
        finally
        {
            csv?.Dispose();
        }
    }

    /// <summary>
    /// Reads the files (or the cleaned copies <paramref name="csv"/> names) into the staged output. A read
    /// error is returned when <paramref name="tolerate"/> (the structure check may explain it and redo the
    /// read), else thrown as bad data.
    /// </summary>
    private static async Task<(long Rows, DuckDB.NET.Data.DuckDBException? Failed)> CopyAsync(
        DuckDbSession session, TaskContext context, FileReadQuery read, ExactJson? exactJson, CsvPreparation? csv, IReadOnlyList<string> files, string output, bool tolerate, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var parameters = new List<SqlParameterValue> { new("files", (exactJson?.Copy.Files ?? csv?.Files ?? files).ToArray()) };
        parameters.AddRange(read.Parameters);
        var sql = exactJson is not null ? exactJson.Copy.Wrap(read.Sql, exactJson.Plan, options.GetString("filename_column"), parameters)
            : csv is not null ? csv.Wrap(read.Sql, options.GetString("filename_column"), parameters)
            : read.Sql;
        try
        {
            return (await session.CopyToParquetAsync(sql, parameters, context.OutputPath(output), cancellationToken), null);
        }
        catch (DuckDB.NET.Data.DuckDBException e) when (!cancellationToken.IsCancellationRequested)
        {
            if (tolerate)
            {
                return (0, e);
            }

            throw new BadDataException($"task '{context.Task.Id}': could not read {string.Join(", ", files)}: {DuckDbErrors.FirstLine(e.Message)}");
        }
    }

    private static async Task<TaskOutcome> FinishAsync(DuckDbSession session, TaskContext context, FileFormat format, string output, long rows, CancellationToken cancellationToken)
    {
        var quarantined = format == FileFormat.Csv ? await new CsvRejects(session, context).HandleAsync(cancellationToken) : 0;
        if (format != FileFormat.Csv && context.Task.EffectiveQuarantineOutput is { } quarantine)
        {
            // Other formats fail on a bad record instead; an empty quarantine keeps downstream tasks runnable.
            await session.CopyToParquetAsync("SELECT NULL::VARCHAR AS source_file, NULL::BIGINT AS line_number, NULL::VARCHAR AS error_type, NULL::VARCHAR AS column_name, NULL::VARCHAR AS reason, NULL::VARCHAR AS raw_line WHERE false", [], context.OutputPath(quarantine), cancellationToken);
        }
        return new TaskOutcome
        {
            RowsRead = rows + quarantined,
            RowsQuarantined = quarantined,
            RowsWritten = new Dictionary<string, long> { [output] = rows },
        };
    }

    /// <summary>A copy of the JSON files to read instead, when some field would lose digits through DuckDB's DOUBLE parsing; else null.</summary>
    private async Task<ExactJson?> ExactJsonAsync(IReadOnlyList<string> files, FileFormat format, IReadOnlyList<KeyValuePair<string, string>> columns, TaskContext context, CancellationToken cancellationToken)
    {
        var jsonLines = format == FileFormat.JsonLines;
        var plan = await JsonExactNumbers.PlanAsync(files, jsonLines, columns, context.Task.Id, cancellationToken);
        if (plan.Count == 0)
        {
            return null;
        }

        context.Log($"reading the numbers of {string.Join(", ", plan.Keys.Select(k => $"'{k}'"))} from their text, to keep every digit");
        var copy = await JsonExactCopy.CreateAsync(files, jsonLines, plan.Keys.ToHashSet(StringComparer.Ordinal), (settings ?? DuckDbSettings.Default).TempDirectory, cancellationToken);
        return new ExactJson(copy, plan);
    }

    internal static IReadOnlyList<KeyValuePair<string, string>> DeclaredColumns(TaskContext context, string output)
    {
        var explicitColumns = context.Options.GetMap("columns");
        if (explicitColumns.Count > 0)
        {
            return explicitColumns;
        }

        return context.Pipeline.FindDataset(output)?.Columns.Select(c => new KeyValuePair<string, string>(c.Name, c.Type)).ToList() ?? [];
    }

    internal static async Task<List<string>> MatchFilesAsync(DuckDbSession session, IReadOnlyList<string> patterns, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        foreach (var pattern in patterns)
        {
            var rows = await session.QueryAsync("SELECT file FROM glob($p) ORDER BY file", [new("p", pattern)], cancellationToken);
            files.AddRange(rows.Select(r => (string)r[0]!));
        }

        return files.Distinct().ToList();
    }

    private static string MissingFileMessage(TaskContext context, IReadOnlyList<string> raw, IReadOnlyList<string> resolved)
    {
        var templated = raw.Any(r => r.Contains("{{", StringComparison.Ordinal));
        var origin = templated ? $" (templated from '{string.Join("', '", raw)}' for logical date {context.Interval.LogicalDate:yyyy-MM-dd})" : string.Empty;
        return $"task '{context.Task.Id}': no file matches {string.Join(", ", resolved)}{origin}. Check that the file for this date exists, or run another --date.";
    }
}

/// <summary>JSON files copied so that the planned fields are read from their text.</summary>
internal sealed record ExactJson(JsonExactCopy Copy, IReadOnlyDictionary<string, string?> Plan) : IDisposable
{
    /// <summary>Declared columns with the planned ones read as text, to be cast after reading.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ReadColumns(IReadOnlyList<KeyValuePair<string, string>> declared) =>
        declared.Select(c => Plan.ContainsKey(c.Key) ? new KeyValuePair<string, string>(c.Key, "VARCHAR") : c).ToList();

    public void Dispose() => Copy.Dispose();
}
