using System.Text.RegularExpressions;
using Sluice.Engine.DuckDb;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Connectors.Files;

/// <summary>
/// A CSV read bound as a view in the consumer's session instead of copied to a staged dataset. The
/// structure check reads the files beside the consumer's query, as it reads them beside the staged
/// copy, and also counts their records: the rows the source reports. Anything the staged path would
/// report (a malformed record, mixed line ends, a blank line, a value DuckDB could not convert)
/// declines the fused read, and the executor runs both tasks staged, which reports it exactly.
/// </summary>
internal static partial class FusedCsvRead
{
    public static bool CanFuse(TaskDefinition source)
    {
        var format = source.Options.Find("format") is ScalarOption { Value: { } f } ? f.ToLowerInvariant() : "auto";
        var paths = source.Options.Find("path") switch
        {
            ListOption list => list.Items.OfType<ScalarOption>().Select(i => i.Value ?? string.Empty).ToList(),
            ScalarOption s => [s.Value ?? string.Empty],
            _ => [],
        };
        return source.OnBadRows == BadRowPolicy.Fail && paths.Count > 0
            && (format == "csv" || (format == "auto" && paths.All(p => p.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))));
    }

    public static async Task<FusedRead> BindAsync(TaskContext context, DuckDbSession session, string view, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var patterns = options.GetList("path").Select(context.ResolvePath).ToList();
        if (FileFormats.Resolve(options.GetChoice("format"), patterns[0]) != FileFormat.Csv)
        {
            throw new FusionDeclinedException("not a CSV read");
        }

        var output = context.Task.Outputs[0];
        var columns = FilesSource.DeclaredColumns(context, output);
        var files = await FilesSource.MatchFilesAsync(session, patterns, cancellationToken);
        var tabSeparated = patterns[0].EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) && !options.Has("delimiter");
        var dialect = CsvPreparation.Dialect(options, tabSeparated, columns.Count);
        if (files.Count == 0 || dialect is null || columns.Count == 0)
        {
            throw new FusionDeclinedException(files.Count == 0 ? "no file matches" : "the structure check cannot follow this CSV dialect");
        }

        if (options.GetBool("header"))
        {
            var quote = options.GetRequiredString("quote");
            CsvHeader.EnsureMatches(files, columns.Select(c => c.Key).ToList(), tabSeparated ? "\t" : options.GetRequiredString("delimiter"), quote.Length > 0 ? quote[0] : '"', options.GetChoice("encoding"), options.GetInt("skip_rows"), context.Task.Id);
        }

        context.Log($"reading {files.Count} csv file(s) in place: {string.Join(", ", files.Take(3).Select(Path.GetFileName))}{(files.Count > 3 ? ", ..." : string.Empty)}");
        var read = new FileReadQuery(options, FileFormat.Csv, columns, storeRejects: true, tabSeparated, sniff: false);
        await CreateViewAsync(session, view, read, files, cancellationToken);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var checking = Task.Run(() => CsvPreparation.CheckAsync(files, dialect, stop.Token), stop.Token);
        return new FusedRead(
            async token =>
            {
                var structures = await checking;
                if (structures.FirstOrDefault(s => !s.IsClean) is { } unclean)
                {
                    throw new FusionDeclinedException($"{Path.GetFileName(unclean.File)} needs the staged read's reporting (malformed records, mixed line ends or blank lines)");
                }

                var rejected = await session.ScalarAsync<long>("SELECT count(*) FROM (SELECT DISTINCT scan_id, file_id, line FROM reject_errors)", [], token);
                if (rejected > 0)
                {
                    throw new FusionDeclinedException($"DuckDB set aside {rejected} row(s) that do not read as the declared columns");
                }

                var rows = structures.Sum(s => s.Records);
                return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [output] = rows } };
            },
            new StopCheck(stop, checking));
    }

    /// <summary>
    /// A view cannot take parameters, so each bound option of the read becomes a session variable,
    /// and its placeholder a getvariable() call: values still never enter the SQL text.
    /// </summary>
    private static async Task CreateViewAsync(DuckDbSession session, string view, FileReadQuery read, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var values = read.Parameters.Append(new SqlParameterValue("files", files.ToArray())).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            var variable = $"sluice_fused_{variables.Count}";
            variables[name] = variable;
            await session.ExecuteAsync($"SET VARIABLE {variable} = $v", [new("v", value)], cancellationToken);
        }

        var sql = Placeholder().Replace(read.Sql, m => variables.TryGetValue(m.Groups[1].Value, out var v) ? $"getvariable('{v}')" : m.Value);
        await session.ExecuteAsync($"CREATE OR REPLACE TEMP VIEW {SqlText.Identifier(view)} AS {sql}", [], cancellationToken);
    }

    [GeneratedRegex(@"\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Placeholder();

    /// <summary>Stops the structure check when the consumer fails before asking for it.</summary>
    private sealed class StopCheck(CancellationTokenSource stop, Task checking) : IDisposable
    {
        public void Dispose()
        {
            stop.Cancel();
            checking.ContinueWith(_ => stop.Dispose(), TaskScheduler.Default);
        }
    }
}
