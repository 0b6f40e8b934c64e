using Microsoft.Extensions.Hosting;

namespace Sluice.Cli.Commands;

/// <summary>A host lifetime that leaves signals alone, so they are handled once, by <see cref="Interrupts"/>.</summary>
internal sealed class SignalFreeLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
