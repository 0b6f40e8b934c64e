namespace Sluice.Incremental;

/// <summary>
/// A hook for crash tests only: when <c>SLUICE_TEST_HOLD_AT</c> names this point, the process writes
/// the file <c>SLUICE_TEST_HOLD_FILE</c> and waits there, so a test can SIGKILL it at an instant that is
/// otherwise a few microseconds wide (between a load's commit and the watermark's). Unset, it costs a lookup.
/// </summary>
internal static class TestHold
{
    public static async Task ReachedAsync(string point, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("SLUICE_TEST_HOLD_AT") != point)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("SLUICE_TEST_HOLD_FILE") is { Length: > 0 } file)
        {
            await File.WriteAllTextAsync(file, point, cancellationToken);
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
