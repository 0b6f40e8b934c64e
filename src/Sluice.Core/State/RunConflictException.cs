using System.Globalization;

namespace Sluice.State;

/// <summary>Another live run holds the same pipeline and data interval.</summary>
public sealed class RunConflictException(RunRecord other)
    : SluiceException(
        $"run {other.Id} of {other.Pipeline} for {other.LogicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} is already running " +
        $"(process {other.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "?"} on {other.Host ?? "?"}, started {other.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC). " +
        "Wait for it to finish (or pass --wait), or stop that process; a run whose process died is detected and marked abandoned.")
{
    public RunRecord Other { get; } = other;
}
