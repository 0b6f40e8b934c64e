using System.Text.Json.Nodes;
using Sluice.Model;

namespace Sluice.Contracts;

/// <summary>A column whose type changed.</summary>
public sealed record ColumnChange(string Name, string From, string To);

/// <summary>
/// How a dataset's columns differ from its contract: added, removed, type-changed, probably renamed
/// (a removed column paired with an added one), and columns that became all NULL. Names match
/// whatever their case; types match through <see cref="ColumnTypes"/>.
/// </summary>
public sealed class ContractDiff
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<ColumnDefinition> Added { get; private init; } = [];

    public IReadOnlyList<ColumnDefinition> Removed { get; private init; } = [];

    public IReadOnlyList<ColumnChange> Retyped { get; private init; } = [];

    public IReadOnlyList<RenameSuggestion> Renamed { get; private init; } = [];

    /// <summary>Columns NULL in every row of this interval that never were before (set by the caller, who has the history).</summary>
    public IReadOnlyList<string> AlwaysNull { get; init; } = [];

    /// <summary>The schema changes, readable, in contract order and then the new columns.</summary>
    public IReadOnlyList<string> Problems => _problems;

    public bool ChangesSchema => Added.Count > 0 || Removed.Count > 0 || Retyped.Count > 0;

    public bool IsEmpty => !ChangesSchema && AlwaysNull.Count == 0;

    /// <summary>Removed columns and changed types always break a contract; new columns only under <c>on_new_fields: fail</c>.</summary>
    public bool Breaks(NewFieldsPolicy policy) => Removed.Count > 0 || Retyped.Count > 0 || (policy == NewFieldsPolicy.Fail && Added.Count > 0);

    /// <param name="contract">The columns promised.</param>
    /// <param name="observed">The columns written.</param>
    /// <param name="source">How a changed type names the promised one: "declared" or "was".</param>
    /// <param name="typeUnknown">
    /// Observed columns whose type says nothing: NULL in every row, a CSV reader calls them VARCHAR.
    /// They are not type changes (the caller reports them as having become all NULL).
    /// </param>
    public static ContractDiff Compare(IReadOnlyList<ColumnDefinition> contract, IReadOnlyList<ColumnDefinition> observed, string source = "declared", IReadOnlySet<string>? typeUnknown = null)
    {
        var problems = new List<string>();
        var removed = new List<(ColumnDefinition Column, int Position)>();
        var retyped = new List<ColumnChange>();
        for (var i = 0; i < contract.Count; i++)
        {
            var column = contract[i];
            var found = observed.FirstOrDefault(a => SameName(a.Name, column.Name));
            if (found is null)
            {
                removed.Add((column, i));
                problems.Add($"missing column '{column.Name}' ({column.Type})");
            }
            else if (!ColumnTypes.Same(column.Type, found.Type) && typeUnknown?.Contains(found.Name) != true)
            {
                retyped.Add(new(column.Name, column.Type, found.Type));
                problems.Add($"column '{column.Name}' is {found.Type}, {source} {column.Type}");
            }
        }

        var added = observed.Where(a => !contract.Any(c => SameName(c.Name, a.Name))).ToList();
        problems.AddRange(added.Select(a => $"new column '{a.Name}' ({a.Type})"));
        var renamed = removed
            .Select(r => RenameGuess.For(
                r.Column.Name,
                r.Position,
                r.Column.Type,
                added.Select(a => new RenameCandidate(a.Name, IndexOf(observed, a.Name), ColumnTypes.Same(r.Column.Type, a.Type), [])).ToList(),
                removed.Count == 1 && added.Count == 1))
            .OfType<RenameSuggestion>()
            .ToList();
        var diff = new ContractDiff { Added = added, Removed = removed.Select(r => r.Column).ToList(), Retyped = retyped, Renamed = renamed };
        diff._problems.AddRange(problems);
        return diff;
    }

    /// <summary>The same diff with the columns that became all NULL.</summary>
    public ContractDiff WithAlwaysNull(IReadOnlyList<string> columns)
    {
        var diff = new ContractDiff { Added = Added, Removed = Removed, Retyped = Retyped, Renamed = Renamed, AlwaysNull = columns };
        diff._problems.AddRange(_problems);
        return diff;
    }

    /// <summary>Every change in one line: schema changes, probable renames, columns that became all NULL.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (_problems.Count > 0)
        {
            parts.Add(string.Join("; ", _problems) + ".");
        }

        parts.AddRange(Renamed.Select(r => r.Text + "."));
        if (AlwaysNull.Count > 0)
        {
            parts.Add($"{string.Join(", ", AlwaysNull.Select(c => $"'{c}'"))} {(AlwaysNull.Count == 1 ? "is" : "are")} NULL in every row of this interval, and never {(AlwaysNull.Count == 1 ? "was" : "were")} before.");
        }

        return string.Join(" ", parts);
    }

    /// <summary>The <c>contract_drift</c> event's fields (EventTypes.ContractDrift).</summary>
    public JsonObject Payload(string dataset, string summary) => new()
    {
        ["dataset"] = dataset,
        ["added"] = new JsonArray(Added.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = c.Type }).ToArray()),
        ["removed"] = new JsonArray(Removed.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = c.Type }).ToArray()),
        ["retyped"] = new JsonArray(Retyped.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["from"] = c.From, ["to"] = c.To }).ToArray()),
        ["renamed"] = new JsonArray(Renamed.Select(r => (JsonNode)new JsonObject { ["from"] = r.From, ["to"] = r.To }).ToArray()),
        ["always_null"] = new JsonArray(AlwaysNull.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()),
        ["summary"] = summary,
    };

    private static bool SameName(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static int IndexOf(IReadOnlyList<ColumnDefinition> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (SameName(columns[i].Name, name))
            {
                return i;
            }
        }

        return -1;
    }
}
