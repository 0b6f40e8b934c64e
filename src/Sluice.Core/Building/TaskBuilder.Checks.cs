using System.Runtime.CompilerServices;
using Sluice.Model;

namespace Sluice.Building;

/// <summary>
/// Checks and metrics of a sink's target table, run after its load commits (docs/checks.md, "Checks on a
/// warehouse table"); the duckdb and postgres sinks can read their table back for them.
/// </summary>
public sealed partial class TaskBuilder
{
    private readonly List<CheckDefinition> _checks = [];
    private readonly List<MetricDefinition> _metrics = [];

    public TaskBuilder Check(CheckDefinition check, CheckSeverity severity = CheckSeverity.Error, string? name = null, [CallerLineNumber] int line = 0)
    {
        _checks.Add(CheckCalls.Located(check, severity, name, _file, line));
        return this;
    }

    public TaskBuilder Metric(string name, string expression, [CallerLineNumber] int line = 0)
    {
        _metrics.Add(CheckCalls.Metric(name, expression, _file, line));
        return this;
    }
}

/// <summary>What the dataset and task builders share: a check or metric located at its call.</summary>
internal static class CheckCalls
{
    public static CheckDefinition Located(CheckDefinition check, CheckSeverity severity, string? name, string file, int line) =>
        check with { Severity = severity, Name = name ?? check.Name, Location = CallSite.At(file, line, "DataCheck.") };

    public static MetricDefinition Metric(string name, string expression, string file, int line) =>
        new(name, expression) { Location = CallSite.At(file, line, "\"" + name + "\"") };
}
