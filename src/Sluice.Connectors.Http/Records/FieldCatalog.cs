using System.Text.Json;

namespace Sluice.Connectors.Http.Records;

/// <summary>What one field looked like over the records: where it sat, what kinds of values it held, a few of them.</summary>
internal sealed class FieldStats(int position)
{
    public const int MaxSamples = 5;

    /// <summary>Its index among the fields of the first record that had it.</summary>
    public int Position { get; } = position;

    public long NonNull { get; set; }

    public HashSet<JsonValueKind> Kinds { get; } = [];

    public List<string> Samples { get; } = [];
}

/// <summary>
/// The fields the records of a source actually had, in order of first appearance: what the
/// contract check compares the declared columns with, and what a rename is guessed from. Bounded
/// (a few samples per field, at most <see cref="MaxFields"/> fields), since records are not kept.
/// </summary>
internal sealed class FieldCatalog
{
    public const int MaxFields = 10_000;

    private readonly Dictionary<string, FieldStats> _fields = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private int _position;

    public IReadOnlyList<string> Names => _order;

    public FieldStats? Find(string name) => _fields.GetValueOrDefault(name);

    public bool Has(string name) => _fields.ContainsKey(name);

    public void Saw(string name, JsonElement value)
    {
        var kind = value.ValueKind;
        Saw(name, kind == JsonValueKind.True ? JsonValueKind.False : kind, kind is JsonValueKind.String ? value.GetString() : kind is JsonValueKind.Number ? value.GetRawText() : null);
    }

    /// <summary>A field with text (or no) value, as scraped pages give them.</summary>
    public void Saw(string name, string? text) => Saw(name, text is null ? JsonValueKind.Null : JsonValueKind.String, text);

    /// <summary>The next field belongs to the next record.</summary>
    public void EndRecord() => _position = 0;

    /// <summary>Adds another page's fields after this one's.</summary>
    public void Merge(FieldCatalog other)
    {
        foreach (var name in other._order)
        {
            var theirs = other._fields[name];
            if (Stats(name, theirs.Position) is not { } mine)
            {
                continue;
            }

            mine.NonNull += theirs.NonNull;
            mine.Kinds.UnionWith(theirs.Kinds);
            foreach (var sample in theirs.Samples.Where(s => mine.Samples.Count < FieldStats.MaxSamples && !mine.Samples.Contains(s)))
            {
                mine.Samples.Add(sample);
            }
        }
    }

    private void Saw(string name, JsonValueKind kind, string? text)
    {
        var stats = Stats(name, _position++);
        if (stats is null || kind == JsonValueKind.Null)
        {
            return;
        }

        stats.NonNull++;
        stats.Kinds.Add(kind);
        if (text is not null && stats.Samples.Count < FieldStats.MaxSamples && !stats.Samples.Contains(text))
        {
            stats.Samples.Add(text.Length > 60 ? text[..60] : text);
        }
    }

    private FieldStats? Stats(string name, int position)
    {
        if (_fields.TryGetValue(name, out var stats))
        {
            return stats;
        }

        if (_fields.Count >= MaxFields)
        {
            return null;
        }

        stats = new FieldStats(position);
        _fields.Add(name, stats);
        _order.Add(name);
        return stats;
    }
}
