using System.Globalization;

namespace Sluice.Bench;

/// <summary>One input size: a folder holding orders.csv (all days in one file) and products.csv.</summary>
internal sealed record BenchData(string Dir, long Rows, int Days, long CsvBytes)
{
    public const string FirstDay = "2024-03-01";

    public string OrdersCsv => Path.Combine(Dir, "orders.csv");

    /// <summary>Generates the size's CSVs with sales-datagen, or reuses them when a marker says they match.</summary>
    public static async Task<BenchData> EnsureAsync(string workDir, long rows, int days)
    {
        var dir = Path.Combine(workDir, $"rows-{rows}");
        var perDay = rows / days;
        var marker = Path.Combine(dir, "generated.txt");
        var expected = $"rows={rows} days={days} orders_per_day={perDay} from={FirstDay} seed=42";
        var orders = Path.Combine(dir, "orders.csv");
        if (File.Exists(marker) && File.Exists(orders) && File.Exists(Path.Combine(dir, "products.csv")))
        {
            var lines = await File.ReadAllLinesAsync(marker);
            if (lines.Length >= 2 && lines[0] == expected && lines[1] == $"bytes={new FileInfo(orders).Length}")
            {
                Console.WriteLine($"data: reusing {orders} ({rows:N0} rows, {Mb(new FileInfo(orders).Length)})");
                return new BenchData(dir, rows, days, new FileInfo(orders).Length);
            }
        }

        Directory.CreateDirectory(dir);
        File.Delete(marker);
        Console.WriteLine($"data: generating {orders} ({rows:N0} rows over {days} days)...");
        var generator = Path.Combine(AppContext.BaseDirectory, "sales-datagen.dll");
        var result = await MeasuredProcess.RunAsync(
            "dotnet",
            [generator, "--out", dir, "--single-file", orders, "--days", Invariant(days), "--orders-per-day", Invariant(perDay), "--from", FirstDay, "--seed", "42"],
            new Dictionary<string, string>(),
            Path.Combine(dir, "generate.log"));
        if (result.ExitCode != 0)
        {
            throw new BenchException($"sales-datagen failed ({result.ExitCode}): {result.Stderr.Trim()}");
        }

        var bytes = new FileInfo(orders).Length;
        await File.WriteAllLinesAsync(marker, [expected, $"bytes={bytes}", result.Stdout.Trim()]);
        Console.WriteLine($"data: generated in {result.Elapsed.TotalSeconds:0.0} s, {Mb(bytes)}");
        return new BenchData(dir, rows, days, bytes);
    }

    /// <summary>Reads the CSV once so that every timed run starts with it in the page cache.</summary>
    public async Task WarmPageCacheAsync()
    {
        var buffer = new byte[1 << 20];
        await using var stream = new FileStream(OrdersCsv, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        while (await stream.ReadAsync(buffer) > 0)
        {
        }
    }

    public static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0} MB");

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
