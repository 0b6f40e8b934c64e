namespace Sluice.Connectors.Postgres;

internal enum LoadMode
{
    /// <summary>Add the rows.</summary>
    Append,
    /// <summary>Load a new table and swap it in by rename, in one transaction.</summary>
    Replace,
    /// <summary>Replace rows whose key matches, add the others.</summary>
    Upsert,
    /// <summary>Delete the partitions (values of a column) present in the input, then insert.</summary>
    DeleteInsert,
    /// <summary>Keep every version of each key, with validity dates (slowly changing dimension type 2).</summary>
    Scd2,
}
