using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Sluice.Alerts;
using Sluice.Events;

namespace Sluice.Cli.Commands;

internal static class AlertsCommand
{
    public static Command Create()
    {
        var pipeline = new Option<string?>("--pipeline") { Description = "Only alerts of this pipeline." };
        var limit = new Option<int>("--limit") { Description = "Most recent deliveries to list.", DefaultValueFactory = _ => 30 };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("alerts", "List alerts sent (and failed deliveries) with their channel, incident and status.") { pipeline, limit, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var state = SluiceHost.StateDirectory(parse.GetValue(stateDir));
            await using var store = await SluiceHost.OpenStoreAsync(SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), state), cancellationToken);
            var deliveries = await AlertHistory.ReadAsync(EventLogs.Of(store), parse.GetValue(pipeline), parse.GetValue(limit), cancellationToken);
            if (deliveries.Count == 0)
            {
                Console.WriteLine("no alerts yet.");
                return 0;
            }

            var table = new Table().AddColumns("at (UTC)", "pipeline", "channel", "state", "status", "tries", "summary");
            foreach (var d in deliveries)
            {
                table.AddRow(
                    d.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    Markup.Escape(d.Pipeline),
                    Markup.Escape(d.Channel),
                    Markup.Escape(d.State),
                    d.Error is null ? Markup.Escape(d.Status) : $"[red]{Markup.Escape(d.Status)}: {Markup.Escape(d.Error)}[/]",
                    d.Attempts.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(d.Summary));
            }

            Format.Console.Write(table);
            return 0;
        }));
        return command;
    }
}
