using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Sluice.Templating;

namespace Sluice.Alerts.Tests.Infrastructure;

/// <summary>
/// A project folder with an alerts.yaml (and optionally a secrets.env), an in-memory event log, a fake
/// clock, and routers created through the public entry point, as the host creates them.
/// </summary>
internal sealed class AlertsSetup : IDisposable
{
    public AlertsSetup(string alertsYaml, IReadOnlyDictionary<string, string>? secrets = null)
    {
        Directory.CreateDirectory(Folder);
        AlertsFile = Path.Combine(Folder, "alerts.yaml");
        File.WriteAllText(AlertsFile, alertsYaml);
        var secretsFile = Path.Combine(Folder, "secrets.env");
        File.WriteAllLines(secretsFile, (secrets ?? new Dictionary<string, string>()).Select(s => $"{s.Key}={s.Value}"));
        Secrets = SecretsFile.Lookup(secretsFile);
        Events = new RunEvents(Log, Clock);
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "sluice-alerts-" + Guid.NewGuid().ToString("N"));

    public string AlertsFile { get; }

    public Func<string, string?> Secrets { get; }

    public SecretMasker Masker { get; } = new();

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2024, 4, 1, 6, 0, 0, TimeSpan.Zero));

    public InMemoryEventLog Log { get; } = new();

    public RunEvents Events { get; }

    /// <summary>Every line a router reported for stderr.</summary>
    public ConcurrentQueue<string> Reported { get; } = new();

    public AlertRouter CreateRouter(TimeProvider? time = null) =>
        AlertRouter.Create(AlertsFile, Secrets, Masker, Log, time ?? Clock, Reported.Enqueue);

    /// <summary>
    /// Runs a pass while moving the fake clock on in steps, as time passes for a router whose receivers
    /// are slow, but never past <paramref name="bound"/>: a pass that needs more time than that never
    /// finishes, and fails the test. Returns the result and how much fake time the pass took.
    /// </summary>
    public async Task<(AlertPassResult Result, TimeSpan Took)> DriveAsync(Func<Task<AlertPassResult>> pass, TimeSpan step, TimeSpan bound)
    {
        var start = Clock.GetUtcNow();
        var running = pass();
        var realDeadline = DateTime.UtcNow.AddSeconds(30);
        while (!running.IsCompleted)
        {
            // Real time for the sockets to move, then fake time for the timers to fire.
            await Task.WhenAny(running, Task.Delay(20));
            if (!running.IsCompleted && Clock.GetUtcNow() - start + step <= bound)
            {
                Clock.Advance(step);
            }

            Assert.True(DateTime.UtcNow < realDeadline, $"the pass did not finish within {bound} of its clock");
        }

        return (await running, Clock.GetUtcNow() - start);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
