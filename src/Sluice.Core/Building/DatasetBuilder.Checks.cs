using System.Runtime.CompilerServices;
using Sluice.Model;

namespace Sluice.Building;

/// <summary>A dataset's checks and metrics (docs/checks.md), located at the line that declares each.</summary>
public sealed partial class DatasetBuilder(string file)
{
    internal List<CheckDefinition> Checks { get; } = [];

    internal List<MetricDefinition> Metrics { get; } = [];

    /// <summary>A check from <see cref="DataCheck"/>; <paramref name="name"/> replaces its default name in events and <c>sluice checks</c>.</summary>
    public DatasetBuilder Check(CheckDefinition check, CheckSeverity severity = CheckSeverity.Error, string? name = null, [CallerLineNumber] int line = 0)
    {
        Checks.Add(CheckCalls.Located(check, severity, name, file, line));
        return this;
    }

    /// <summary>A DuckDB aggregate over the dataset recorded every run, e.g. <c>Metric("revenue", "sum(amount)")</c>.</summary>
    public DatasetBuilder Metric(string name, string expression, [CallerLineNumber] int line = 0)
    {
        Metrics.Add(CheckCalls.Metric(name, expression, file, line));
        return this;
    }
}
