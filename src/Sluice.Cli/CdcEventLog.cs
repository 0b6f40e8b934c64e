using System.Text.Json.Nodes;
using System.Threading.Channels;
using Sluice.Events;
using Sluice.State;

namespace Sluice.Cli;

/// <summary>
/// The event log of `sluice cdc run`, which runs outside any pipeline run: a CDC task's lag and drift
/// events are appended under its pipeline and task (no run id), in order, on one background pump, and
/// this process's metrics hear each one (so the slot gauges are exported while it streams). A failing
/// log is reported once and never stops the stream.
/// </summary>
internal sealed class CdcEventLog : IAsyncDisposable
{
    private readonly IMetadataStore _store;
    private readonly IEventLog _log;
    private readonly Channel<RunEvent> _queue = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;

    private CdcEventLog(IMetadataStore store)
    {
        _store = store;
        _log = ListenedEventLog.Over(EventLogs.Of(store), [SluiceHost.Metrics]);
        _pump = Task.Run(PumpAsync);
    }

    public static async Task<CdcEventLog> OpenAsync(IMetadataStoreProvider metadata, CancellationToken cancellationToken) =>
        new(await SluiceHost.OpenStoreAsync(metadata, cancellationToken));

    /// <summary>The emitter for one task's events.</summary>
    public Action<string, JsonObject> For(string pipeline, string task) => (type, payload) => _queue.Writer.TryWrite(new RunEvent
    {
        Timestamp = TimeProvider.System.GetUtcNow(),
        Type = type,
        Pipeline = pipeline,
        TaskId = task,
        Payload = payload,
    });

    private async Task PumpAsync()
    {
        var failed = false;
        await foreach (var item in _queue.Reader.ReadAllAsync())
        {
            try
            {
                await _log.AppendAsync(item, CancellationToken.None);
            }
            catch (Exception e) when (!failed)
            {
                failed = true;
                await Console.Error.WriteLineAsync($"warning: could not write to the event log ({e.Message}); streaming goes on, later lag and drift events may be missing");
            }
            catch (Exception)
            {
                // Reported once above.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump;
        await _store.DisposeAsync();
    }
}
