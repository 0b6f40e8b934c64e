using Sluice.Model;

namespace Sluice.Transforms.Models;

/// <summary>How a model is kept in the warehouse.</summary>
internal enum Materialization
{
    /// <summary>A stored query, evaluated whenever it is read. Nothing is copied.</summary>
    View,
    /// <summary>The query's result, rebuilt in full on every run.</summary>
    Table,
    /// <summary>Built in full once, then each run adds (or replaces) only the rows its query returns.</summary>
    Incremental,
}

/// <summary>How an incremental build adds its rows to the existing table.</summary>
internal enum IncrementalStrategy
{
    /// <summary>Insert the new rows.</summary>
    Append,
    /// <summary>Delete the rows whose <c>unique_key</c> occurs among the new rows, then insert them.</summary>
    DeleteInsert,
}

/// <summary>What an incremental build does when its query returns columns the table lacks.</summary>
internal enum SchemaChangePolicy
{
    Fail,
    AppendNewColumns,
}

/// <summary>The settings of one model, read from the <c>-- key: value</c> comment lines at the top of its file.</summary>
internal sealed record ModelConfig
{
    public const string MaterializedKey = "materialized";
    public const string UniqueKeyKey = "unique_key";
    public const string StrategyKey = "incremental_strategy";
    public const string SchemaChangeKey = "on_schema_change";
    public const string SchemaKey = "schema";

    public static IReadOnlyList<string> Keys { get; } = [MaterializedKey, UniqueKeyKey, StrategyKey, SchemaChangeKey, SchemaKey];

    public Materialization Materialized { get; init; } = Materialization.View;

    public IReadOnlyList<string> UniqueKey { get; init; } = [];

    public IncrementalStrategy Strategy { get; init; } = IncrementalStrategy.Append;

    public SchemaChangePolicy OnSchemaChange { get; init; } = SchemaChangePolicy.Fail;

    /// <summary>The model's own schema; null means the task's <c>schema</c> option.</summary>
    public string? Schema { get; init; }

    /// <summary>Where each key was written, for errors about it.</summary>
    public IReadOnlyDictionary<string, SourceLocation> Locations { get; init; } = new Dictionary<string, SourceLocation>();

    public string Describe() => Materialized switch
    {
        Materialization.Incremental when Strategy == IncrementalStrategy.DeleteInsert => $"incremental, delete_insert on {string.Join(", ", UniqueKey)}",
        Materialization.Incremental => "incremental, append",
        _ => Materialized.ToString().ToLowerInvariant(),
    };

    public static string Word(Materialization materialization) => materialization.ToString().ToLowerInvariant();
}
