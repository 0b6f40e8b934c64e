using Sluice.Connectors;
using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Sensors;

/// <summary>
/// A task that waits for a condition (<c>sensor: file</c>, <c>s3</c>, <c>http</c>, <c>pipeline</c>).
/// Each attempt looks once (<see cref="PokeAsync"/>); when the condition is not met the executor
/// stores the next look time and frees the slot (<c>up_for_reschedule</c>), like a retry wait, without
/// counting a try. Subclasses declare only their condition's options; the shared ones
/// (<see cref="SensorSettings"/>) are added here.
/// </summary>
public abstract class Sensor : IConnector
{
    private IReadOnlyList<OptionSpec>? _options;

    public abstract string Name { get; }

    public TaskKind Kind => TaskKind.Sensor;

    public abstract string Description { get; }

    public IReadOnlyList<OptionSpec> Options => _options ??= [.. ConditionOptions, .. SensorSettings.Specs];

    /// <summary>The options that say what to wait for.</summary>
    protected abstract IReadOnlyList<OptionSpec> ConditionOptions { get; }

    public bool SupportsQuarantine => false;

    public virtual IEnumerable<string> Validate(TaskDefinition task) => [];

    public IEnumerable<PipelineError> ValidateLocated(TaskDefinition task, PipelineDefinition pipeline) =>
        SensorSettings.Problems(task).Concat(ValidateCondition(task, pipeline));

    /// <summary>Checks of the condition's options that point at the option itself.</summary>
    protected virtual IEnumerable<PipelineError> ValidateCondition(TaskDefinition task, PipelineDefinition pipeline) => [];

    /// <summary>Looks at the condition once. Throw for an error worth a retry (the object store is down), not for "not yet".</summary>
    public abstract Task<SensorPoke> PokeAsync(TaskContext context, CancellationToken cancellationToken);

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var poke = await PokeAsync(context, cancellationToken);
        if (poke.Met)
        {
            context.Log($"condition met: {poke.Detail}");
            return new TaskOutcome();
        }

        return new TaskOutcome { Waiting = poke.Detail };
    }
}
