namespace Sluice.Execution;

/// <summary>An attempt ran longer than its task's <c>timeout</c>; the next attempt may be quicker, so it is retried.</summary>
public sealed class TaskTimeoutException(TimeSpan timeout) : SluiceException($"timed out after {timeout}")
{
    public TimeSpan Timeout { get; } = timeout;
}
