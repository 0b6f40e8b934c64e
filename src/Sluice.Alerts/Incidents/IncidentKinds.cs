namespace Sluice.Alerts.Incidents;

/// <summary>What an incident is about; routes may filter on these names.</summary>
internal static class IncidentKinds
{
    public const string TaskFailed = "task_failed";
    public const string RunFailed = "run_failed";
    public const string CheckFailed = "check_failed";
    public const string ContractDrift = "contract_drift";
    public const string Anomaly = "anomaly";
    public const string EmptyInterval = "empty_interval";
    public const string SlaMissed = "sla_missed";

    public static IReadOnlyList<string> All { get; } = [TaskFailed, RunFailed, CheckFailed, ContractDrift, Anomaly, EmptyInterval, SlaMissed];
}
