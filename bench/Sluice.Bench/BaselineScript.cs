using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.Model;
using Sluice.Templating;
using Sluice.Yaml;

namespace Sluice.Bench;

/// <summary>
/// The direct-DuckDB equivalent of bench/pipelines/orders_bench.yaml, as one script of named steps.
/// Column types, the data interval and the transform SQL all come from the pipeline itself (its
/// datasets and its sql/*.sql files), so the two sides cannot drift apart; the CSV reader options are
/// the ones the files source uses by default, except that the baseline reads strictly (a malformed row
/// fails the statement) where Sluice also records rejects (store_rejects).
/// </summary>
internal static partial class BaselineScript
{
    public static IReadOnlyList<(string Step, string Sql)> Build(string pipelineFile, string dataDir, string outDir, DateOnly logicalDate)
    {
        var pipeline = PipelineYamlLoader.LoadFile(pipelineFile);
        var interval = DataInterval.For(logicalDate, pipeline.Interval, pipeline.TimeZone);
        var sqlDir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pipelineFile))!, "sql");
        string Transform(string file) => Render(File.ReadAllText(Path.Combine(sqlDir, file)), interval).Trim().TrimEnd(';');
        var lake = Path.Combine(outDir, "lake", "orders_clean");
        return
        [
            ("extract_orders", $"CREATE TEMP TABLE raw_orders AS {ReadCsv(Path.Combine(dataDir, "orders.csv"), Columns(pipeline, "raw_orders"))}"),
            ("extract_products", $"CREATE TEMP TABLE raw_products AS {ReadCsv(Path.Combine(dataDir, "products.csv"), Columns(pipeline, "raw_products"))}"),
            ("clean_orders", $"CREATE TABLE orders_clean AS {Transform("clean_orders.sql")}"),
            ("daily_revenue", $"CREATE TABLE daily_revenue AS {Transform("daily_revenue.sql")}"),
            ("lake_orders_clean", $"COPY (SELECT * FROM orders_clean) TO {Literal(lake)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (order_date), FILENAME_PATTERN 'part-{{i}}')"),
            ("checkpoint", "CHECKPOINT"),
        ];
    }

    /// <summary>The files source's CSV defaults: header, ',', '"', '"', utf-8, no skipped lines, '' is null.</summary>
    private static string ReadCsv(string path, string columns) =>
        $"SELECT * FROM read_csv({Literal(path)}, header = true, delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8', skip = 0, nullstr = [''], columns = {columns})";

    private static string Columns(PipelineDefinition pipeline, string dataset)
    {
        var definition = pipeline.FindDataset(dataset) ?? throw new BenchException($"the bench pipeline declares no dataset '{dataset}'");
        return "{" + string.Join(", ", definition.Columns.Select(c => $"{Literal(c.Name)}: {Literal(c.Type)}")) + "}";
    }

    /// <summary>Pastes the interval bounds where Sluice binds them as TIMESTAMP parameters.</summary>
    private static string Render(string sql, DataInterval interval) => Template().Replace(sql, m => m.Groups[1].Value switch
    {
        "data_interval_start" => Timestamp(interval.Start),
        "data_interval_end" => Timestamp(interval.End),
        var other => throw new BenchException($"the baseline does not know template variable '{other}'; add it to BaselineScript.Render."),
    });

    private static string Timestamp(DateTimeOffset value) =>
        "TIMESTAMP '" + value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "'";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")]
    private static partial Regex Template();
}
