namespace Sluice.Model;

/// <summary>When a task runs, given the final states of its upstream tasks (Airflow's trigger rules).</summary>
public enum TriggerRule
{
    /// <summary>Every upstream task succeeded (the default). A failure upstream makes it <c>upstream_failed</c>.</summary>
    AllSuccess,

    /// <summary>Every upstream task finished, whatever its state: clean-up tasks.</summary>
    AllDone,

    /// <summary>At least one upstream task failed: notification tasks. Skipped when none failed.</summary>
    OneFailed,
}
