namespace Sluice.Model;

/// <summary>
/// A connector option as written by the user: a scalar, a list or a map. Values keep their
/// location so validation can name the file, line and column of a bad option.
/// </summary>
public abstract record OptionValue(SourceLocation Location)
{
    /// <summary>Where the option's name was written, when it came from a mapping key.</summary>
    public SourceLocation? KeyLocation { get; init; }

    public abstract string Describe();
}

public sealed record ScalarOption(string? Value, SourceLocation Location) : OptionValue(Location)
{
    public override string Describe() => Value is null ? "null" : $"'{Value}'";
}

public sealed record ListOption(IReadOnlyList<OptionValue> Items, SourceLocation Location) : OptionValue(Location)
{
    public override string Describe() => "a list";

    public bool Equals(ListOption? other) =>
        other is not null && Items.SequenceEqual(other.Items);

    public override int GetHashCode() => Items.Count;
}

public sealed record MapOption(IReadOnlyList<KeyValuePair<string, OptionValue>> Entries, SourceLocation Location) : OptionValue(Location)
{
    public override string Describe() => "a map";

    public OptionValue? Find(string key) =>
        Entries.FirstOrDefault(e => string.Equals(e.Key, key, StringComparison.Ordinal)).Value;

    public bool Equals(MapOption? other) =>
        other is not null && Entries.SequenceEqual(other.Entries);

    public override int GetHashCode() => Entries.Count;
}
