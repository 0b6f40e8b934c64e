using System.CommandLine;
using Sluice.Validation;

namespace Sluice.Cli.Commands;

internal static class ValidateCommand
{
    public static Command Create()
    {
        var pipeline = CommonOptions.Pipeline();
        var command = new Command("validate", "Check a pipeline (YAML, DAG, connectors, options) without running anything.") { pipeline };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            PipelineValidator.EnsureValid(definition, SluiceHost.Catalog());
            // Check SQL and metric expressions compile against the declared columns, without data.
            if (await CheckValidator.ProbeAsync(definition, new Engine.DuckDb.Checks.DuckDbCheckRunner(), cancellationToken) is { Count: > 0 } sqlErrors)
            {
                throw new PipelineValidationException(sqlErrors);
            }
            var alerts = Alerts.Configuration.AlertsFile.FindFile(definition.BaseDirectory);
            if (alerts is not null)
            {
                Alerts.Configuration.AlertsFile.Validate(alerts, Templating.SecretsFile.Lookup(definition.SecretsFile));
            }

            Console.WriteLine($"ok: pipeline '{definition.Name}' is valid ({definition.Tasks.Count} tasks){(alerts is null ? string.Empty : $", alerts in {alerts}")}.");
            return 0;
        }));
        return command;
    }
}
