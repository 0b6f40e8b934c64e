using System.Globalization;
using Sluice.Model;

namespace Sluice.Connectors;

/// <summary>
/// The keyed load modes (upsert, scd1, scd2) that more than one warehouse sink offers (DuckDB,
/// PostgreSQL): their options, checks and option reading live here once, so the same YAML means the
/// same dimension whichever database holds it.
/// </summary>
public static class ScdOptions
{
    /// <summary>The validity columns every scd2 table gets after the input's columns.</summary>
    public const string ValidFrom = "valid_from";

    /// <inheritdoc cref="ValidFrom"/>
    public const string ValidTo = "valid_to";

    /// <inheritdoc cref="ValidFrom"/>
    public const string IsCurrent = "is_current";

    /// <summary>The surrogate key of the unknown member, the row facts point to when their key has no version.</summary>
    public const long UnknownMemberKey = -1;

    /// <summary>The unknown member's valid_from: before any real data, so it is valid on every date.</summary>
    public static readonly DateOnly UnknownMemberFrom = new(1900, 1, 1);

    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("key", OptionKind.StringList, "upsert, scd1, scd2: the (natural) key column(s)."),
        new("tracked", OptionKind.StringList, "scd2: columns whose change opens a new version (default: every non-key column)."),
        OptionSpec.Text("surrogate_key", "scd2: the surrogate key column the table gets.", @default: "sk"),
        OptionSpec.Text("effective_date", "scd2: the date changes take effect (templated).", @default: "{{ ds }}"),
        new("close_missing", OptionKind.Boolean, "scd2: close the current version of keys absent from the input (the input is a full snapshot).") { Default = "false" },
        new("unknown_member", OptionKind.Boolean, "scd2: keep a row with surrogate key -1 for facts whose key is not found.") { Default = "true" },
    ];

    /// <summary>The option combinations a keyed or partitioned load mode needs, for <see cref="IConnector.Validate"/>.</summary>
    public static IEnumerable<string> Validate(TaskDefinition task)
    {
        var mode = ((task.Options.Find("mode") as ScalarOption)?.Value ?? "append").ToLowerInvariant();
        if (mode is "upsert" or "scd1" or "scd2" && task.Options.Find("key") is null)
        {
            yield return $"mode '{mode}' needs option 'key' naming the key column(s).";
        }

        if (mode == "delete_insert" && task.Options.Find("partition_column") is null)
        {
            yield return "mode 'delete_insert' needs option 'partition_column'.";
        }
    }

    /// <summary>The date D the input takes effect; a template that renders to anything but a date fails for good.</summary>
    public static DateOnly EffectiveDate(TaskContext context)
    {
        var text = context.Options.GetRequiredString("effective_date");
        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new NonRetryableException($"{context.Options.LocationOf("effective_date")}: task '{context.Task.Id}': option 'effective_date' must be a date (yyyy-MM-dd), got '{text}'.");
    }

    /// <summary>The tracked columns: as listed, or every input column that is not part of the key.</summary>
    public static IReadOnlyList<string> Tracked(TaskContext context, IEnumerable<string> inputColumns, IReadOnlyList<string> key) =>
        context.Options.GetList("tracked") is { Count: > 0 } listed ? listed : inputColumns.Except(key, StringComparer.OrdinalIgnoreCase).ToList();
}
