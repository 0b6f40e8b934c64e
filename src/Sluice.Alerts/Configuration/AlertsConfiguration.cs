using Sluice.Alerts.Channels;
using Sluice.Alerts.Incidents;

namespace Sluice.Alerts.Configuration;

/// <summary>What alerts.yaml declares, validated and with secrets resolved.</summary>
internal sealed record AlertsConfiguration(
    IReadOnlyList<IAlertChannel> Channels,
    IReadOnlyList<AlertRoute> Routes,
    DeliveryPolicy Delivery,
    GroupingPolicy Grouping)
{
    public static AlertsConfiguration Empty { get; } = new([], [], DeliveryPolicy.Default, GroupingPolicy.Default);

    /// <summary>The channels every matching route names, each once, in declaration order.</summary>
    public IReadOnlyList<IAlertChannel> ChannelsFor(string pipeline, string kind, AlertSeverity severity)
    {
        var names = Routes.Where(r => r.Matches(pipeline, kind, severity)).SelectMany(r => r.Channels).ToHashSet(StringComparer.Ordinal);
        return Channels.Where(c => names.Contains(c.Name)).ToList();
    }
}

/// <summary>
/// Sends incidents of pipelines matching one of <see cref="Pipelines"/> (globs), of at least
/// <see cref="MinSeverity"/>, and of one of <see cref="Kinds"/> when given, to <see cref="Channels"/>.
/// </summary>
internal sealed record AlertRoute(IReadOnlyList<string> Pipelines, AlertSeverity MinSeverity, IReadOnlyList<string> Kinds, IReadOnlyList<string> Channels)
{
    public bool Matches(string pipeline, string kind, AlertSeverity severity) =>
        severity >= MinSeverity
        && (Kinds.Count == 0 || Kinds.Contains(kind))
        && (Pipelines.Count == 0 || Pipelines.Any(glob => Glob.Matches(glob, pipeline)));
}

/// <summary>How hard to try one delivery: per-request timeout, attempts, backoff, and the bound on all of it.</summary>
internal sealed record DeliveryPolicy(TimeSpan Timeout, int Attempts, TimeSpan FirstRetryDelay, TimeSpan MaxTotal)
{
    public static DeliveryPolicy Default { get; } = new(TimeSpan.FromSeconds(10), 4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
}

/// <summary>
/// How long to hold a new incident so that more occurrences join it: until no new occurrence came for
/// <see cref="QuietFor"/>, or at most <see cref="MaxWait"/> after the first. An occurrence older than
/// <see cref="IgnoreOlderThan"/> when first read opens no incident: turning alerts on for a project with
/// a long history must not announce its old faults.
/// </summary>
internal sealed record GroupingPolicy(TimeSpan QuietFor, TimeSpan MaxWait, TimeSpan IgnoreOlderThan)
{
    public static GroupingPolicy Default { get; } = new(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromDays(7));
}
