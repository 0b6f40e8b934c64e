namespace Sluice.Model;

/// <summary>
/// The pipeline's <c>anomalies:</c> block: which recorded metrics are compared with their history after
/// each run, and how strictly. Without the block every metric is watched with <see cref="AnomalySettings"/>'s defaults.
/// </summary>
public sealed record AnomalyDefinition
{
    /// <summary>The defaults: every watched metric is checked, nothing is alerted on.</summary>
    public static AnomalyDefinition Default { get; } = new();

    /// <summary><c>anomalies: false</c> turns detection off for the pipeline.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Settings for every metric that no selector below overrides.</summary>
    public AnomalySettings Settings { get; init; } = new();

    /// <summary>The metrics to watch; empty watches every recorded metric.</summary>
    public IReadOnlyList<MetricSelector> Metrics { get; init; } = [];

    public SourceLocation? Location { get; init; }

    /// <summary>The settings that apply to a metric of a dataset, or null when the pipeline does not watch it.</summary>
    public AnomalySettings? SettingsFor(string? dataset, string metric)
    {
        if (!Enabled)
        {
            return null;
        }

        if (Metrics.Count == 0)
        {
            return Settings;
        }

        // The most specific selector wins: dataset.metric, then dataset.*, then a bare metric name.
        return Metrics.Where(m => m.Matches(dataset, metric)).OrderByDescending(m => m.Specificity).FirstOrDefault()?.Settings;
    }
}

/// <summary>
/// How a metric's new value is judged against its history (docs/anomalies.md): a value further than
/// <see cref="Threshold"/> robust standard deviations from the baseline's centre, and at least
/// <see cref="MinRelativeChange"/> away from it, is an anomaly.
/// </summary>
public sealed record AnomalySettings
{
    public const double DefaultThreshold = 3.5;

    /// <summary>Robust z-score beyond which a value is anomalous (the MAD scaled by 1.4826 stands for a standard deviation).</summary>
    public double Threshold { get; init; } = DefaultThreshold;

    /// <summary>Intervals of history needed before any verdict; null takes the interval unit's default (14 days, 6 weeks, 6 months).</summary>
    public int? MinHistory { get; init; }

    /// <summary>A value also has to differ from the centre by at least this share of it (0.1 = 10%); 0 turns it off.</summary>
    public double MinRelativeChange { get; init; }

    /// <summary>warning (default), error or critical: the severity of the alert an anomaly opens.</summary>
    public string Severity { get; init; } = "warning";
}

/// <summary>One entry of <c>anomalies.metrics</c>: <c>rows</c> (any dataset), <c>orders.rows</c> or <c>orders.*</c>.</summary>
public sealed record MetricSelector(string? Dataset, string Metric, AnomalySettings Settings, SourceLocation Location)
{
    public string Text => Dataset is null ? Metric : $"{Dataset}.{Metric}";

    public int Specificity => (Dataset is null ? 0 : 2) + (Metric == "*" ? 0 : 1);

    public bool Matches(string? dataset, string metric) =>
        (Dataset is null || string.Equals(Dataset, dataset, StringComparison.Ordinal))
        && (Metric == "*" || string.Equals(Metric, metric, StringComparison.Ordinal));

    public static (string? Dataset, string Metric) Parse(string text)
    {
        var dot = text.LastIndexOf('.');
        return dot < 0 ? (null, text) : (text[..dot], text[(dot + 1)..]);
    }
}
