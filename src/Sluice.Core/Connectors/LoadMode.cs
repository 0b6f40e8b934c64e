namespace Sluice.Connectors;

/// <summary>
/// How a database sink applies a dataset to its table. One definition for every sink (DuckDB,
/// PostgreSQL, MySQL), so the same <c>mode:</c> means the same thing whichever database holds the table.
/// </summary>
public enum LoadMode
{
    /// <summary>Add the rows.</summary>
    Append,
    /// <summary>Swap the table's content for the rows, in one transaction.</summary>
    Replace,
    /// <summary>Replace rows whose key matches, add the others.</summary>
    Upsert,
    /// <summary>Delete the partitions (values of a column) present in the input, then insert: interval-idempotent.</summary>
    DeleteInsert,
    /// <summary>Keep every version of each key, with validity dates (slowly changing dimension type 2).</summary>
    Scd2,
}

public static class LoadModes
{
    /// <summary>The mode an option value names; type 1 is an upsert (changed rows overwritten in place, new keys added).</summary>
    public static LoadMode Parse(string choice) => choice switch
    {
        "replace" => LoadMode.Replace,
        "upsert" or "scd1" => LoadMode.Upsert,
        "scd2" => LoadMode.Scd2,
        "delete_insert" => LoadMode.DeleteInsert,
        _ => LoadMode.Append,
    };
}
