using System.Globalization;
using Sluice.Execution;
using Sluice.Validation;

namespace Sluice.Hosting;

/// <summary>
/// What <see cref="SluiceInstance.RunAsync"/> came to, as a value a host can print and return:
/// the run (succeeded or failed), or the pipeline's errors when it was invalid, or the run that
/// already holds the interval. <see cref="ExitCode"/> follows the <c>sluice</c> tool's.
/// </summary>
public sealed record SluiceRunOutcome
{
    /// <summary>The run, when one started.</summary>
    public RunResult? Result { get; init; }

    /// <summary>Every problem of an invalid pipeline, each at its file:line:col; nothing ran.</summary>
    public IReadOnlyList<PipelineError> Errors { get; init; } = [];

    /// <summary>Why nothing ran although the pipeline is valid (another live run holds the interval).</summary>
    public string? Refusal { get; init; }

    public bool Succeeded => Result is { Succeeded: true };

    /// <summary>0 succeeded, 1 failed or refused, 2 invalid pipeline (as <c>sluice run</c>).</summary>
    public int ExitCode => Errors.Count > 0 ? 2 : Succeeded ? 0 : 1;

    /// <summary>One line (or the error list) to print: stdout when <see cref="Succeeded"/>, stderr otherwise.</summary>
    public string Message => this switch
    {
        { Errors.Count: > 0 } => $"error: the pipeline is invalid ({Errors.Count} problem{(Errors.Count == 1 ? string.Empty : "s")}):{Environment.NewLine}" +
            string.Join(Environment.NewLine, Errors.Select(e => "  " + e)),
        { Refusal: { } refusal } => "error: " + refusal,
        { Result: { } result } => result.Succeeded
            ? $"{Describe(result)} succeeded: {result.Tasks.Count} tasks, {result.Tasks.Sum(t => t.RowsWritten)} rows written."
            : $"error: {Describe(result)} {result.Run.State.ToString().ToLowerInvariant()}: {result.Run.Error}",
        _ => "error: nothing ran.",
    };

    private static string Describe(RunResult result) =>
        $"run {result.Run.Id} of {result.Run.Pipeline} for {result.Run.LogicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
}
