using Sluice.Model;
using Sluice.Sensors;
using Sluice.Validation;

namespace Sluice.Connectors.Files;

/// <summary>
/// <c>sensor: file</c>: waits until a local file exists, or at least one file matches a pattern
/// (<c>*</c> and <c>?</c> in the file name), for example the day's export <c>in/orders_{{ ds }}_*.csv</c>.
/// </summary>
public sealed class FileSensor : Sensor
{
    private static readonly char[] Wildcards = ['*', '?'];

    public override string Name => "file";

    public override string Description => "Waits until a local file exists, or a file matches a pattern (* and ? in the file name).";

    protected override IReadOnlyList<OptionSpec> ConditionOptions { get; } =
    [
        new("path", OptionKind.Path, "The file to wait for, relative to the pipeline file; templated ({{ ds }}); * and ? match within the file name.") { Required = true },
    ];

    protected override IEnumerable<PipelineError> ValidateCondition(TaskDefinition task, PipelineDefinition pipeline)
    {
        if (task.Options.Find("path") is ScalarOption { Value: { } path } option
            && Path.GetDirectoryName(path) is { } folder && folder.IndexOfAny(Wildcards) >= 0)
        {
            yield return new PipelineError(option.Location, $"sensor 'file': path '{path}' has a wildcard in its folder part; wildcards match only within the file name (data/{{{{ ds }}}}/orders_*.csv).");
        }
    }

    public override Task<SensorPoke> PokeAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var path = context.ResolvePath(context.Options.GetRequiredString("path"));
        var name = Path.GetFileName(path);
        if (name.IndexOfAny(Wildcards) < 0)
        {
            return Task.FromResult(File.Exists(path) ? SensorPoke.Yes($"{path} exists") : SensorPoke.NotYet($"{path} does not exist yet"));
        }

        var folder = Path.GetDirectoryName(path)!;
        var matches = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, name).Take(1000).Count() : 0;
        return Task.FromResult(matches > 0
            ? SensorPoke.Yes($"{matches} file(s) match {path}")
            : SensorPoke.NotYet($"no file matches {path} yet"));
    }
}
