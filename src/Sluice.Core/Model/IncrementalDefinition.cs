namespace Sluice.Model;

/// <summary>
/// <c>incremental:</c> on a source task: read only rows whose <see cref="Cursor"/> column reached the
/// last value a committed load saw (a watermark kept per pipeline and task), minus <see cref="Lookback"/>.
/// </summary>
public sealed record IncrementalDefinition
{
    /// <summary>The column (or API record field) whose value only grows as rows are added or changed.</summary>
    public required string Cursor { get; init; }

    /// <summary>The bound of the first run, as written (a date, a timestamp or a number); null reads every row.</summary>
    public string? Initial { get; init; }

    /// <summary>How far before the watermark to read again, for rows committed late (timestamp cursors).</summary>
    public TimeSpan? Lookback { get; init; }

    /// <summary>The same for a numeric cursor: how many units before the watermark.</summary>
    public decimal? LookbackUnits { get; init; }

    /// <summary>The key the load deduplicates re-read rows by (boundary ties and lookback).</summary>
    public IReadOnlyList<string> PrimaryKey { get; init; } = [];

    /// <summary>HTTP sources: the query parameter that carries the bound (<c>updated_since</c> by default).</summary>
    public string? Parameter { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.Code("<code>");
}
