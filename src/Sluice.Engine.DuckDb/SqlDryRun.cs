using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Sluice.Model;
using Sluice.Templating;
using Sluice.Validation;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// Compiles the SQL of every <c>transform: sql</c> task against empty tables shaped like its inputs,
/// so <c>sluice validate</c> (and every run, before its first task) reports a syntax error or an
/// unknown column at the SQL's file:line:col with DuckDB's message, without any data.
/// An input's shape comes from its <c>datasets:</c> declaration, else from the producing task's
/// <c>columns</c> option (files, http), else from the producing SQL task's own result, so a chain of
/// SQL transforms is checked end to end. Tasks reading an input of unknown shape are checked when they run.
/// </summary>
internal static partial class SqlDryRun
{
    // One pass per pipeline object: ValidateLocated is called per task, the pass covers them all.
    private static readonly ConditionalWeakTable<PipelineDefinition, IReadOnlyDictionary<string, PipelineError>> Cache = new();

    public static PipelineError? Problem(TaskDefinition task, PipelineDefinition pipeline, DuckDbSettings? settings) =>
        Cache.GetValue(pipeline, p => CheckAll(p, settings)).GetValueOrDefault(task.Id);

    private static Dictionary<string, PipelineError> CheckAll(PipelineDefinition pipeline, DuckDbSettings? settings)
    {
        var problems = new Dictionary<string, PipelineError>(StringComparer.Ordinal);
        var graph = PipelineGraph.Of(pipeline);
        if (graph.Cycle is not null || !pipeline.Tasks.Any(IsSql))
        {
            return problems;
        }

        try
        {
            // DuckDB.NET runs its "async" calls synchronously, so waiting here blocks for no longer than the work.
            CheckAllAsync(pipeline, graph, settings, problems).GetAwaiter().GetResult();
        }
        catch (DuckDBException)
        {
            // The session itself could not be set up: the tasks are checked when they run.
        }

        return problems;
    }

    private static async Task CheckAllAsync(PipelineDefinition pipeline, PipelineGraph graph, DuckDbSettings? settings, Dictionary<string, PipelineError> problems)
    {
        await using var session = await DuckDbSession.OpenAsync(settings, CancellationToken.None);
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dataset in pipeline.Datasets.Where(d => d.Columns.Count > 0))
        {
            await TryCreateAsync(session, dataset.Name, dataset.Columns.Select(c => (c.Name, c.Type)), known);
        }

        var interval = DataInterval.For(new DateOnly(2024, 1, 1), pipeline.Interval, "UTC");
        var templates = new TemplateRenderer(interval, pipeline.Parameters, new SecretMasker(), _ => string.Empty);
        foreach (var task in graph.RunOrder)
        {
            if (task.Outputs.Count != 1 || known.Contains(task.Outputs[0]))
            {
                continue;
            }

            if (!IsSql(task) && DeclaredColumns(task) is { } columns)
            {
                await TryCreateAsync(session, task.Outputs[0], columns, known);
            }
            else if (IsSql(task) && task.Inputs.All(known.Contains) && Query(task, pipeline, templates) is { } query)
            {
                try
                {
                    var described = await session.DescribeAsync($"SELECT * FROM (\n{query.Template.Sql.Trim().TrimEnd(';')}\n)", query.Template.Parameters, CancellationToken.None);
                    await TryCreateAsync(session, task.Outputs[0], described, known);
                }
                catch (DuckDBException e)
                {
                    // Only errors in the SQL itself; one that needs data or files (IO Error) is left to the run.
                    if (DuckDbErrors.IsPermanent(e))
                    {
                        problems[task.Id] = new PipelineError(query.Where(e.Message), $"the SQL does not compile against its inputs' columns: {DuckDbErrors.FirstLine(e.Message)}");
                    }
                }
            }
        }
    }

    private static bool IsSql(TaskDefinition task) => task.Kind == TaskKind.Transform && task.Connector == "sql";

    /// <summary>A source's <c>columns</c> option (name to SQL type), which fixes its output's shape.</summary>
    private static IEnumerable<(string Name, string Type)>? DeclaredColumns(TaskDefinition task) =>
        task.Options.Find("columns") is MapOption { Entries.Count: > 0 } map && map.Entries.All(e => e.Value is ScalarOption { Value: not null })
            ? map.Entries.Select(e => (e.Key, ((ScalarOption)e.Value).Value!)).ToList()
            : null;

    private static async Task TryCreateAsync(DuckDbSession session, string name, IEnumerable<(string Name, string Type)> columns, HashSet<string> known)
    {
        try
        {
            var list = string.Join(", ", columns.Select(c => $"{SqlText.Identifier(c.Name)} {c.Type}"));
            await session.ExecuteAsync($"CREATE TEMP TABLE {SqlText.Identifier(name)} ({list})", [], CancellationToken.None);
            known.Add(name);
        }
        catch (DuckDBException)
        {
            // A type DuckDB does not know is reported by the schema checks; this dataset stays unknown.
        }
    }

    private sealed record SqlQuery(SqlTemplate Template, Func<string, SourceLocation> Where);

    /// <summary>The task's SQL with its templates bound, and where an error at DuckDB's "LINE n" is in the user's file.</summary>
    private static SqlQuery? Query(TaskDefinition task, PipelineDefinition pipeline, TemplateRenderer templates)
    {
        try
        {
            if (task.Options.Find("sql") is ScalarOption { Value: { } inline } option)
            {
                var yaml = File.Exists(option.Location.File) ? option.Location.File : Path.Combine(pipeline.BaseDirectory, Path.GetFileName(option.Location.File));
                return new SqlQuery(templates.RenderSql(inline, option.Location, DuckDbSession.Placeholder), message => InYaml(option.Location, yaml, message));
            }

            if (task.Options.Find("sql_file") is ScalarOption { Value: { } file } fileOption && !file.Contains("{{", StringComparison.Ordinal))
            {
                var path = Path.IsPathRooted(file) ? file : Path.Combine(pipeline.BaseDirectory, file);
                if (!File.Exists(path))
                {
                    return null;
                }

                var text = File.ReadAllText(path);
                var shown = Path.IsPathRooted(file) ? file : Path.Combine(Path.GetDirectoryName(fileOption.Location.File) ?? string.Empty, file);
                return new SqlQuery(templates.RenderSql(text, fileOption.Location, DuckDbSession.Placeholder), message => InFile(shown, text, message));
            }
        }
        catch (SluiceException)
        {
            // A template the renderer refuses is reported by the template checks.
        }

        return null;
    }

    /// <summary>
    /// The error's place inside SQL written in the pipeline file: a block scalar (<c>sql: |</c>)
    /// starts on the next line, a one-line value on the option's own line. Builder pipelines and
    /// values the file no longer holds point at the option.
    /// </summary>
    private static SourceLocation InYaml(SourceLocation option, string yaml, string message)
    {
        var match = LineOfMessage().Match(message);
        if (!match.Success || option.Line < 1 || !File.Exists(yaml))
        {
            return option;
        }

        var lines = File.ReadAllLines(yaml);
        var first = option.Line <= lines.Length && option.Column >= 1 && option.Column <= lines[option.Line - 1].Length ? lines[option.Line - 1][option.Column - 1] : ' ';
        var block = first is '|' or '>';
        var line = option.Line + int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture) - 1 + (block ? 0 : -1);
        return line >= 1 && line <= lines.Length && ColumnIn(lines[line - 1], match) is { } column
            ? option with { Line = line, Column = column }
            : option;
    }

    /// <summary>
    /// DuckDB names the line of the statement it was given ("LINE n: excerpt", then a caret under the
    /// error). The statement wraps the file's text after one line, so line n is line n-1 of the file;
    /// the column is the caret's place in the excerpt, found in the file's line.
    /// </summary>
    private static SourceLocation InFile(string shown, string text, string message)
    {
        var match = LineOfMessage().Match(message);
        if (!match.Success)
        {
            return new SourceLocation(shown, 1, 1);
        }

        var lines = text.Split('\n');
        var line = Math.Clamp(int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture) - 1, 1, lines.Length);
        return new SourceLocation(shown, line, ColumnIn(lines[line - 1], match) ?? 1);
    }

    /// <summary>Where the caret under DuckDB's excerpt falls in the line the excerpt came from (1-based).</summary>
    private static int? ColumnIn(string sourceLine, Match match)
    {
        var caret = match.Groups["caret"].Value.IndexOf('^', StringComparison.Ordinal) - (match.Groups["excerpt"].Index - match.Index);
        var excerpt = match.Groups["excerpt"].Value.TrimEnd('\r');
        var leadingDots = excerpt.Length - excerpt.TrimStart('.').Length;
        var trimmed = excerpt.Trim('.').Trim();
        var at = trimmed.Length > 0 ? sourceLine.IndexOf(trimmed, StringComparison.Ordinal) : -1;
        if (at < 0 || caret < leadingDots)
        {
            return null;
        }

        // The excerpt's own leading spaces (after any "...") are before the trimmed text.
        var spaces = excerpt.TrimStart('.').Length - excerpt.TrimStart('.').TrimStart().Length;
        return at + (caret - leadingDots - spaces) + 1;
    }

    [GeneratedRegex(@"LINE (?<line>\d+): (?<excerpt>[^\n]*)\n(?<caret>[^\n]*)")]
    private static partial Regex LineOfMessage();
}
