using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Sluice.Anomalies;
using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>sluice metrics</c>: a pipeline's recorded metrics per interval beside the range the anomaly check
/// expected from the history before each one, so a user can see why a value was (or was not) flagged.
/// </summary>
internal static class MetricsCommand
{
    public static Command Create()
    {
        var pipeline = CommonOptions.Pipeline();
        var metric = new Option<string?>("--metric") { Description = "Only this metric, as dataset.name (orders.rows) or a name (rows)." };
        var last = new Option<int>("--last") { Description = "Most recent intervals to show per metric.", DefaultValueFactory = _ => 14 };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("metrics", "Show a pipeline's recorded metrics with the expected range of each interval and which were anomalies.") { pipeline, metric, last, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            PipelineValidator.EnsureValid(definition, SluiceHost.Catalog());
            var state = SluiceHost.StateDirectory(parse.GetValue(stateDir));
            if (!SluiceHost.HasHistory(state))
            {
                Console.WriteLine($"no metrics yet (no run history in {state}).");
                return 0;
            }

            await using var store = await SluiceHost.OpenStoreAsync(state, cancellationToken);
            var history = await MetricHistory.ReadAsync(store, definition.Name, exceptRun: null, cancellationToken);
            var wanted = parse.GetValue(metric);
            var shown = history.Where(h => wanted is null || h.Key == wanted || MetricSelector.Parse(h.Key).Metric == wanted).OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
            if (shown.Count == 0)
            {
                var known = history.Count == 0 ? "none is recorded yet" : "recorded: " + string.Join(", ", history.Keys.Order(StringComparer.Ordinal));
                Console.WriteLine($"no metric{(wanted is null ? string.Empty : $" '{wanted}'")} of pipeline '{definition.Name}' from successful runs; {known}.");
                return 0;
            }

            foreach (var (key, points) in shown)
            {
                var (dataset, name) = MetricSelector.Parse(key);
                var settings = definition.Anomalies.SettingsFor(dataset, name);
                Format.Console.MarkupLine($"[bold]{Markup.Escape(key)}[/] " + (settings is null
                    ? "(not watched for anomalies)"
                    : $"(threshold {settings.Threshold.ToString(CultureInfo.InvariantCulture)}, min_history {settings.MinHistory ?? AnomalyDetector.DefaultMinHistory(definition.Interval)})"));
                var table = new Table().AddColumns("interval", "value", "expected", "range", "from", "verdict");
                foreach (var point in points.TakeLast(Math.Max(1, parse.GetValue(last))))
                {
                    var verdict = AnomalyDetector.Evaluate(points, point.Interval, point.Value, settings ?? new(), definition.Interval);
                    table.AddRow(
                        point.Interval.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        Number(point.Value),
                        verdict.Method == BaselineMethods.None ? "-" : Number(verdict.Expected),
                        verdict.Method == BaselineMethods.None ? "-" : $"{Number(verdict.Low)} to {Number(verdict.High)}",
                        $"{verdict.History} ({verdict.Method})",
                        verdict.NotEnoughHistory is { } needed ? $"[grey]needs history: {Markup.Escape(needed)}[/]"
                            : verdict.IsAnomaly ? (settings is null ? "[yellow]outside[/]" : "[red]anomaly[/]")
                            : "[green]ok[/]");
                }

                Format.Console.Write(table);
            }

            return 0;
        }));
        return command;
    }

    private static string Number(double value) => Math.Round(value, 2).ToString("#,0.##", CultureInfo.InvariantCulture);
}
