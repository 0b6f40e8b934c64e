using Sluice.Connectors;
using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Sensors;

/// <summary>How a sensor waits: <c>reschedule</c> frees its slot between pokes, <c>poke</c> keeps it.</summary>
public enum SensorMode
{
    Reschedule,
    Poke,
}

/// <summary>
/// The options every sensor shares, under its <c>with:</c>: how often to look, how long to wait in
/// all, whether to free the task slot between looks, and whether running out of time fails the task
/// or skips it. The task-level <c>timeout</c> still limits one look.
/// </summary>
public sealed record SensorSettings(TimeSpan PokeInterval, TimeSpan Timeout, SensorMode Mode, bool SoftFail)
{
    public static readonly TimeSpan DefaultPokeInterval = TimeSpan.FromSeconds(60);

    /// <summary>A day: a run of a daily pipeline that waits longer is better failed and looked at.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(24);

    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        OptionSpec.Text("poke_interval", "How long to wait between two looks at the condition, as a duration (30s, 5m).", @default: "60s"),
        OptionSpec.Text("timeout", "How long to wait in all, from the first look, before the task fails (or is skipped with soft_fail).", @default: "24h"),
        OptionSpec.OneOf("mode", "reschedule (default) frees the task slot between looks; poke keeps it and waits in place.", "reschedule", "reschedule", "poke"),
        new("soft_fail", OptionKind.Boolean, "When the timeout passes, mark the task skipped (its downstream skipped too) instead of failed.") { Default = "false" },
    ];

    /// <summary>The settings of a sensor task; validation has refused values that do not parse.</summary>
    public static SensorSettings Of(TaskDefinition task)
    {
        var poke = OptionParsing.ParseDuration(Raw(task, "poke_interval")) ?? DefaultPokeInterval;
        var timeout = OptionParsing.ParseDuration(Raw(task, "timeout")) ?? DefaultTimeout;
        var mode = Raw(task, "mode")?.Trim().ToLowerInvariant() == "poke" ? SensorMode.Poke : SensorMode.Reschedule;
        var softFail = OptionParsing.ParseBool(Raw(task, "soft_fail")) ?? false;
        return new SensorSettings(poke, timeout, mode, softFail);
    }

    /// <summary>Durations that do not parse, or that cannot work together, at the option that says them.</summary>
    public static IEnumerable<PipelineError> Problems(TaskDefinition task)
    {
        TimeSpan? poke = DefaultPokeInterval, timeout = DefaultTimeout;
        foreach (var name in new[] { "poke_interval", "timeout" })
        {
            if (task.Options.Find(name) is not ScalarOption { Value: { } text } option)
            {
                continue;
            }

            var value = OptionParsing.ParseDuration(text);
            if (value is not { } duration || duration <= TimeSpan.Zero)
            {
                yield return new PipelineError(option.Location, $"option '{name}' must be a duration above zero such as 30s, 5m or 1h (got '{text}').");
            }

            if (name == "poke_interval")
            {
                poke = value;
            }
            else
            {
                timeout = value;
            }
        }

        if (poke is { } p && timeout is { } t && p > t && task.Options.Find("poke_interval") is { } at)
        {
            yield return new PipelineError(at.Location, $"option 'poke_interval' ({Show(p)}) is longer than the sensor's 'timeout' ({Show(t)}): it would look only once. Make it shorter than the timeout.");
        }

        static string Show(TimeSpan span) => span.ToString();
    }

    private static string? Raw(TaskDefinition task, string name) => task.Options.Find(name) is ScalarOption { Value: { } value } ? value : null;
}
