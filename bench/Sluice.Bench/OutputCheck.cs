using DuckDB.NET.Data;

namespace Sluice.Bench;

/// <summary>Row counts and order-independent content hashes of one side's outputs.</summary>
internal sealed record OutputFingerprint(long FactRows, long AggregateRows, long LakeRows, string FactHash, string AggregateHash, string LakeHash)
{
    public override string ToString() =>
        $"warehouse orders_clean={FactRows:N0} rows, daily_revenue={AggregateRows:N0} rows, lake orders_clean={LakeRows:N0} rows";
}

/// <summary>
/// Reads what a side wrote (warehouse.duckdb and lake/orders_clean under its output folder) and
/// fingerprints it: counts plus sum(hash(all columns)), so the two sides must agree row for row.
/// </summary>
internal static class OutputCheck
{
    private const string FactColumns = "order_id, order_ts, order_date::DATE, customer_id, customer_email, product_id, category, quantity, amount, amount_source";
    private const string AggregateColumns = "order_date, category, revenue, order_count, unique_customers";

    public static async Task<OutputFingerprint> FingerprintAsync(string outDir)
    {
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        var warehouse = Path.Combine(outDir, "warehouse.duckdb");
        var lake = Path.Combine(outDir, "lake", "orders_clean", "**", "*.parquet");
        await ScalarAsync(connection, $"ATTACH {BaselineScript.Literal(warehouse)} AS wh (READ_ONLY)");
        var fact = await CountAndHashAsync(connection, "wh.orders_clean", FactColumns);
        var aggregate = await CountAndHashAsync(connection, "wh.daily_revenue", AggregateColumns);
        var lakeRows = await CountAndHashAsync(connection, $"read_parquet({BaselineScript.Literal(lake)}, hive_partitioning = true)", FactColumns);
        return new OutputFingerprint(fact.Rows, aggregate.Rows, lakeRows.Rows, fact.Hash, aggregate.Hash, lakeRows.Hash);
    }

    /// <summary>Throws unless both sides wrote the same rows, and the lake holds the warehouse's facts.</summary>
    public static void EnsureSame(string size, OutputFingerprint sluice, OutputFingerprint baseline)
    {
        if (sluice != baseline)
        {
            throw new BenchException($"{size}: the outputs differ!\n  sluice:   {sluice} {Hashes(sluice)}\n  baseline: {baseline} {Hashes(baseline)}");
        }

        if (sluice.FactRows != sluice.LakeRows || sluice.FactHash != sluice.LakeHash || sluice.FactRows == 0)
        {
            throw new BenchException($"{size}: the lake does not hold the warehouse's cleaned orders: {sluice} {Hashes(sluice)}");
        }
    }

    private static string Hashes(OutputFingerprint f) => $"(hashes {f.FactHash} / {f.AggregateHash} / {f.LakeHash})";

    private static async Task<(long Rows, string Hash)> CountAndHashAsync(DuckDBConnection connection, string relation, string columns)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*), coalesce(sum(hash({columns})::HUGEINT), 0)::VARCHAR FROM {relation}";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task ScalarAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
