using Microsoft.Extensions.Time.Testing;

namespace Sluice.Hosting.Tests;

/// <summary>Moves a fake clock on in steps, letting real work (SQLite, worker loops) run between them, until a condition holds.</summary>
internal static class WorkerDriving
{
    public static async Task UntilAsync(FakeTimeProvider clock, Func<Task<bool>> condition, TimeSpan? step = null, int maxSteps = 2000)
    {
        for (var i = 0; i < maxSteps; i++)
        {
            if (await condition())
            {
                return;
            }

            clock.Advance(step ?? TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        throw new TimeoutException($"the condition did not hold after {maxSteps} steps of the fake clock (now {clock.GetUtcNow():O})");
    }
}
