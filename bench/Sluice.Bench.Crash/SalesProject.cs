using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Bench.Crash;

/// <summary>
/// One copy of the sales example: its pipeline file, a link to the shared generated data, and its own
/// warehouse, lake and state folder, so every trial starts from nothing.
/// </summary>
internal sealed partial class SalesProject
{
    public const string From = "2024-03-01";
    public const string To = "2024-03-03";
    private const int Days = 3;

    private SalesProject(string dir) => Dir = dir;

    public string Dir { get; }

    public string Pipeline => Path.Combine(Dir, "sales_etl.yaml");

    public string StateDir => Path.Combine(Dir, ".sluice");

    public string Warehouse => Path.Combine(Dir, "warehouse", "sales.duckdb");

    public string Lake => Path.Combine(Dir, "lake");

    public IReadOnlyList<string> BackfillArgs => ["backfill", Pipeline, "--from", From, "--to", To, "--state-dir", StateDir];

    /// <summary>Generates the 3 days of orders once per size (a marker says which size is there).</summary>
    public static async Task<string> EnsureDataAsync(CrashOptions options)
    {
        var dataDir = Path.Combine(options.WorkDir, $"data-{options.RowsPerDay}");
        var marker = Path.Combine(dataDir, "generated.txt");
        var expected = $"from={From} days={Days} orders_per_day={options.RowsPerDay} seed=42";
        if (File.Exists(marker) && (await File.ReadAllTextAsync(marker)).Trim() == expected)
        {
            Console.WriteLine($"data: reusing {dataDir}");
            return dataDir;
        }

        if (Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }

        Console.WriteLine($"data: generating {Days} days x {options.RowsPerDay:N0} orders into {dataDir}...");
        var generator = Path.Combine(AppContext.BaseDirectory, "sales-datagen.dll");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { generator, "--out", dataDir, "--from", From, "--days", "3", "--orders-per-day", options.RowsPerDay.ToString(CultureInfo.InvariantCulture), "--seed", "42" })
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(psi) ?? throw new BenchException("could not start sales-datagen");
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new BenchException($"sales-datagen failed ({process.ExitCode}): {await stderr}");
        }

        await File.WriteAllTextAsync(marker, expected);
        return dataDir;
    }

    /// <summary>A fresh copy: the example's YAML and a symbolic link to the generated data (sources only read it).</summary>
    public static SalesProject Create(CrashOptions options, string dataDir, string name)
    {
        var dir = Path.Combine(options.WorkDir, "runs", name);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        File.Copy(options.SalesPipeline, Path.Combine(dir, "sales_etl.yaml"));
        Directory.CreateSymbolicLink(Path.Combine(dir, "data"), dataDir);
        return new SalesProject(dir);
    }

    /// <summary>Files left in run-private staging: under any `_staging` folder of the state folder, and in hidden staging folders in the lake.</summary>
    public IReadOnlyList<string> Leftovers()
    {
        var found = new List<string>();
        if (Directory.Exists(StateDir))
        {
            found.AddRange(Directory.EnumerateDirectories(StateDir, "_staging", SearchOption.AllDirectories)
                .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)));
        }

        if (Directory.Exists(Lake))
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
            found.AddRange(Directory.EnumerateDirectories(Lake, ".*staging*", options)
                .SelectMany(d => Directory.EnumerateFiles(d, "*", options)));
        }

        return found.Select(f => Path.GetRelativePath(Dir, f)).ToList();
    }

    /// <summary>The runs of this project by state, read with `sluice runs` (which also marks dead runs abandoned).</summary>
    public async Task<IReadOnlyList<(string Run, string Date, string State)>> RunsAsync()
    {
        var result = await SluiceProcess.RunAsync(Dir, ["runs", "--limit", "1000", "--state-dir", StateDir], TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0)
        {
            throw new BenchException($"sluice runs failed ({result.ExitCode}): {result.Output}");
        }

        return RunRow().Matches(result.Output)
            .Select(m => (m.Groups["run"].Value, m.Groups["date"].Value, m.Groups["state"].Value))
            .ToList();
    }

    [GeneratedRegex(@"^│\s*(?<run>\d+)\s*│\s*\S+\s*│\s*(?<date>\d{4}-\d\d-\d\d)\s*│\s*(?<state>\w+)\s*│", RegexOptions.Multiline)]
    private static partial Regex RunRow();
}
