using Sluice.Model;

namespace Sluice.Validation;

/// <summary>One problem in a pipeline definition: where it is and what to do about it.</summary>
public sealed record PipelineError(SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>Thrown when a pipeline is invalid. Carries every error found, not only the first.</summary>
public sealed class PipelineValidationException(IReadOnlyList<PipelineError> errors)
    : SluiceException(FormatMessage(errors))
{
    public IReadOnlyList<PipelineError> Errors { get; } = errors;

    /// <summary>
    /// What could be read of a pipeline with structural errors, so semantic checks can still run and
    /// every problem is reported at once.
    /// </summary>
    public PipelineDefinition? Partial { get; init; }

    private static string FormatMessage(IReadOnlyList<PipelineError> errors) =>
        errors.Count == 1
            ? errors[0].ToString()
            : $"{errors.Count} errors:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
