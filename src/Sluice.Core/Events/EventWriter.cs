using System.Threading.Channels;

namespace Sluice.Events;

/// <summary>
/// Appends a run's events in order on one background reader, so a connector's log callback never
/// waits on the store and a slow or failing log never fails the run. <see cref="DisposeAsync"/> drains it.
/// </summary>
internal sealed class EventWriter : IAsyncDisposable
{
    private readonly IEventLog? _log;
    private readonly Channel<RunEvent> _queue = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;

    public EventWriter(IEventLog? log, Action<string> reportFailure)
    {
        _log = log;
        _pump = log is null ? Task.CompletedTask : Task.Run(() => PumpAsync(reportFailure));
    }

    public void Write(RunEvent runEvent)
    {
        if (_log is not null)
        {
            _queue.Writer.TryWrite(runEvent);
        }
    }

    private async Task PumpAsync(Action<string> reportFailure)
    {
        var failed = false;
        await foreach (var item in _queue.Reader.ReadAllAsync())
        {
            try
            {
                await _log!.AppendAsync(item, CancellationToken.None);
            }
            catch (Exception e) when (!failed)
            {
                failed = true;
                reportFailure($"could not write to the event log ({e.Message}); run and task states are still recorded, later events of this run may be missing");
            }
            catch (Exception)
            {
                // Reported once above; the run goes on.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump;
    }
}
