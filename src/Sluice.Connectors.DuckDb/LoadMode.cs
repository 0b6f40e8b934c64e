namespace Sluice.Connectors.DuckDb;

internal enum LoadMode
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
