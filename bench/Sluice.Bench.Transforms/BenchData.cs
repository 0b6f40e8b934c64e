using System.Diagnostics;
using System.Globalization;

namespace Sluice.Bench.Transforms;

/// <summary>
/// The generated inputs of one size, in bench/data/transforms/rows-N-dim-M/: orders.parquet (and the
/// same rows as orders.csv), customers.parquet, and the dimension snapshots dim_2024-03-01/02.parquet.
/// Written once by generate.sql in DuckDB; a marker file lets later runs reuse them.
/// </summary>
internal sealed record BenchData(string Dir, long Rows, long Customers, long DimRows)
{
    public string Orders => Path.Combine(Dir, "orders.parquet");

    public string OrdersCsv => Path.Combine(Dir, "orders.csv");

    public static async Task<BenchData> EnsureAsync(TBenchOptions options)
    {
        var data = new BenchData(
            Path.Combine(options.WorkDir, $"rows-{options.Rows}-dim-{options.DimRows}"),
            options.Rows,
            Math.Max(1000, options.Rows / 100),
            options.DimRows);
        var script = Path.Combine(options.BenchDir, "generate.sql");
        var marker = Path.Combine(data.Dir, "generated.txt");
        var expected = $"rows={data.Rows} customers={data.Customers} dim_rows={data.DimRows} script_bytes={new FileInfo(script).Length}";
        if (File.Exists(marker) && (await File.ReadAllTextAsync(marker)).Trim() == expected)
        {
            Console.WriteLine($"data: reusing {data.Dir}");
            return data;
        }

        Directory.CreateDirectory(data.Dir);
        File.Delete(marker);
        var watch = Stopwatch.StartNew();
        await using (var connection = await Duck.OpenAsync())
        {
            foreach (var (name, sql) in Duck.Sections(script))
            {
                await Duck.ExecuteAsync(connection, data.Fill(sql));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"data: {name} written ({watch.Elapsed.TotalSeconds:0.0} s)"));
            }
        }

        await File.WriteAllTextAsync(marker, expected + "\n");
        return data;
    }

    /// <summary>Reads the inputs once so timed runs start with them in the page cache.</summary>
    public static void WarmPageCache(params string[] files)
    {
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            while (stream.Read(buffer) > 0)
            {
            }
        }
    }

    private string Fill(string sql) => sql
        .Replace("{rows}", Rows.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{customers}", Customers.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{dim_rows}", DimRows.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{dir}", Dir, StringComparison.Ordinal);
}
