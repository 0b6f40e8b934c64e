using Sluice.Alerts.Configuration;
using Sluice.Alerts.Delivery;
using Sluice.Alerts.Incidents;
using Sluice.Events;
using Sluice.Templating;

namespace Sluice.Alerts;

/// <summary>
/// Reads the event log, groups failures into incidents, and sends each incident once to the channels
/// its routes name, then once more when it clears. Its position in the log is kept in the log itself,
/// in the alert events it writes, so it needs no store of its own (docs/alerting.md, "How it works").
/// A channel that is down is retried within <see cref="DeliveryBound"/>, then reported; it never throws
/// into the host.
/// </summary>
public sealed class AlertRouter : IDisposable
{
    private const int PageSize = 1000;

    private readonly AlertsConfiguration _configuration;
    private readonly IEventLog _log;
    private readonly TimeProvider _time;
    private readonly SecretMasker _masker;
    private readonly Action<string> _report;
    private readonly HttpClient _http;
    private readonly IncidentBook _book;
    private readonly Deliverer _deliverer;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private bool _restored;
    private long _processed;

    private AlertRouter(AlertsConfiguration configuration, HttpClient http, IEventLog log, TimeProvider time, SecretMasker masker, Action<string> report)
    {
        _configuration = configuration;
        _http = http;
        _log = log;
        _time = time;
        _masker = masker;
        _report = report;
        _book = new IncidentBook(configuration.Grouping, time);
        _deliverer = new Deliverer(configuration.Delivery, time, masker);
    }

    /// <summary>
    /// A router for the project's <paramref name="alertsFile"/> (see <see cref="AlertsFile.FindFile"/>;
    /// null gives a router that sends nothing). <paramref name="secrets"/> resolves ${VAR}, as
    /// <see cref="SecretsFile.Lookup"/> does; resolved values are registered with <paramref name="masker"/>.
    /// <paramref name="report"/> receives one masked line per failed delivery, for stderr.
    /// Throws <see cref="Validation.PipelineValidationException"/> listing every problem in the file.
    /// </summary>
    public static AlertRouter Create(string? alertsFile, Func<string, string?> secrets, SecretMasker masker, IEventLog eventLog, TimeProvider timeProvider, Action<string> report)
    {
        // Each attempt is bounded by the router's own timeout, which follows the TimeProvider.
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            var configuration = alertsFile is null ? AlertsConfiguration.Empty : AlertsFile.Load(alertsFile, secrets, masker, http);
            return new AlertRouter(configuration, http, eventLog, timeProvider, masker, report);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>The longest one pass spends delivering, however many receivers hang: the `delivery.max_total` setting.</summary>
    public TimeSpan DeliveryBound => _configuration.Delivery.MaxTotal;

    /// <summary>True when the alerts file declares at least one channel.</summary>
    public bool HasChannels => _configuration.Channels.Count > 0;

    /// <summary>
    /// Reads new events, then announces incidents whose grouping window has closed and resolves those
    /// that cleared. For a long-running host, call it periodically (or use <see cref="RunAsync"/>).
    /// Throws only when cancelled: failed deliveries and an unreachable log are reported and returned.
    /// </summary>
    public Task<AlertPassResult> ProcessAsync(CancellationToken cancellationToken) => PassAsync(flush: false, cancellationToken);

    /// <summary>
    /// As <see cref="ProcessAsync"/>, but announces every pending incident now: for a host that ends,
    /// such as `sluice run` or `sluice backfill`, after its last run. Returns within <see cref="DeliveryBound"/>
    /// (plus reading and writing the log).
    /// </summary>
    public Task<AlertPassResult> FlushAsync(CancellationToken cancellationToken) => PassAsync(flush: true, cancellationToken);

    /// <summary>Passes every <paramref name="pollInterval"/> until cancelled.</summary>
    public async Task RunAsync(TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                // A pass reports its own failures and never throws but for cancellation.
                await ProcessAsync(cancellationToken);
                await Task.Delay(pollInterval, _time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _oneAtATime.Dispose();
    }

    private async Task<AlertPassResult> PassAsync(bool flush, CancellationToken cancellationToken)
    {
        if (!HasChannels)
        {
            return AlertPassResult.None;
        }

        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            return await PassWithinLockAsync(flush, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // The log being unreachable must not fail the run that hosts the router; the next pass reads on from where this one stopped.
            var line = _masker.Apply($"alerts: could not read or write the event log, alerts are delayed until it can: {e.Message}");
            _report(line);
            return new AlertPassResult(0, 0, 0, [line]);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<AlertPassResult> PassWithinLockAsync(bool flush, CancellationToken cancellationToken)
    {
        await RestoreAsync(cancellationToken);
        await ReadNewEventsAsync(cancellationToken);
        var pass = new DeliveryPass(_configuration, _deliverer, _book, _masker, _time);
        var (result, events) = await pass.RunAsync(flush, _processed, cancellationToken);
        foreach (var alertEvent in events)
        {
            await _log.AppendAsync(alertEvent, cancellationToken);
        }

        foreach (var failure in result.Failures)
        {
            _report(failure);
        }

        _book.Prune(_processed);
        return result;
    }

    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        if (_restored)
        {
            return;
        }

        long lastRecorded = 0;
        await foreach (var alertEvent in ReadAsync(0, AlertEvents.Types, cancellationToken))
        {
            if (AlertEvents.Restore(alertEvent) is { } incident)
            {
                _book.Restore(incident);
                lastRecorded = Math.Max(lastRecorded, incident.SnapshotThrough);
            }
        }

        _processed = _book.ReplayFrom(lastRecorded);
        _restored = true;
    }

    private async Task ReadNewEventsAsync(CancellationToken cancellationToken)
    {
        await foreach (var runEvent in ReadAsync(_processed, ObservationReader.Types, cancellationToken))
        {
            if (ObservationReader.Read(runEvent) is { } observation)
            {
                _book.Apply(observation);
            }

            _processed = runEvent.Id;
        }
    }

    private async IAsyncEnumerable<RunEvent> ReadAsync(long afterId, IReadOnlyList<string> types, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await _log.ReadAsync(new EventQuery { AfterId = afterId, Limit = PageSize, Types = types }, cancellationToken);
            foreach (var runEvent in page)
            {
                yield return runEvent;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            afterId = page[^1].Id;
        }
    }
}
