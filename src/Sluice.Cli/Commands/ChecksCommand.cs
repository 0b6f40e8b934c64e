using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Sluice.Checks;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice checks</c>: the latest result of every declared check, with its recent trend.</summary>
internal static class ChecksCommand
{
    public static Command Create()
    {
        var pipeline = CommonOptions.Pipeline();
        var date = new Option<string?>("--date") { Description = "Only results of this interval (YYYY-MM-DD, today, yesterday)." };
        var last = new Option<int>("--last") { Description = "How many recent results the trend shows.", DefaultValueFactory = _ => 10 };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("checks", "Show the latest result of every data check of a pipeline, with a trend over recent runs (✓ pass, ✗ fail, ! could not run).") { pipeline, date, last, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var day = parse.GetValue(date) is { } text ? CommonOptions.ParseDate(text, "--date") : (DateOnly?)null;
            var catalog = SluiceHost.Catalog();
            var declared = definition.Datasets.SelectMany(d => d.Checks.Select(c => (Dataset: d.Name, Check: c)))
                .Concat(definition.Tasks.SelectMany(t => t.Checks.Select(c => (Dataset: TableCheckTargets.NameOf(t, catalog) ?? t.Id, Check: c)))).ToList();
            if (declared.Count == 0)
            {
                Console.WriteLine($"pipeline '{definition.Name}' declares no checks.");
                return 0;
            }

            var state = SluiceHost.StateDirectory(parse.GetValue(stateDir));
            IReadOnlyList<CheckHistory> histories = [];
            var metadata = SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), state);
            if (SluiceHost.HasHistory(metadata))
            {
                await using var store = await SluiceHost.OpenStoreAsync(metadata, cancellationToken);
                histories = await CheckHistory.ReadAsync(Events.EventLogs.Of(store), definition.Name, day, cancellationToken);
            }

            var table = new Table().AddColumns("dataset", "check", "severity", "latest", "date", "observed", "trend");
            foreach (var (dataset, check) in declared)
            {
                var history = histories.FirstOrDefault(h => h.Dataset == dataset && h.Check == check.Name);
                var severity = check.Severity == Model.CheckSeverity.Error ? "error" : "warn";
                if (history is null)
                {
                    table.AddRow(Markup.Escape(dataset), Markup.Escape(check.Name), severity, "[grey]no result[/]", "-", string.Empty, string.Empty);
                    continue;
                }

                var latest = history.Latest;
                table.AddRow(
                    Markup.Escape(dataset),
                    Markup.Escape(check.Name),
                    severity,
                    Outcome(latest.Text("outcome")),
                    latest.LogicalDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-",
                    Markup.Escape(Format.Shorten(latest.Text("outcome") == "pass" ? latest.Text("observed") : latest.Text("message") ?? latest.Text("observed"), 90)),
                    history.Trend(parse.GetValue(last)));
            }

            Format.Console.Write(table);
            return 0;
        }));
        return command;
    }

    private static string Outcome(string? outcome) => outcome switch
    {
        "pass" => "[green]pass[/]",
        "fail" => "[red]fail[/]",
        _ => $"[darkorange]{Markup.Escape(outcome ?? "?")}[/]",
    };
}
