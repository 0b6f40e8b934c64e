using Sluice.Connectors.Postgres.Tests.Infrastructure;
using Sluice.Crash;
using Sluice.Metadata.Postgres;
using Xunit.Abstractions;

namespace Sluice.Connectors.Postgres.Tests.Crash;

/// <summary>
/// SIGKILL the real sluice process during the extract, during the load, and between the load's commit
/// and the watermark's, run it again, and compare the target with the source. A few kills per mode
/// here; bench/Sluice.Bench.Incremental runs many more.
/// </summary>
public sealed class IncrementalCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-inc-crash", Guid.NewGuid().ToString("N"));
    private PgDatabase _db = null!;

    public async Task InitializeAsync() => _db = await PgDatabase.CreateAsync();

    [Fact]
    public async Task Killed_at_any_point_and_restarted_the_target_equals_the_source()
    {
        var harness = new IncrementalCrashHarness(_root, _db.ConnectionString, _db.ConnectionsYaml(), SluiceDll());
        await harness.SetupAsync(rows: 20_000);
        var (exit, log) = await harness.RunAsync([]);
        Assert.True(exit == 0, log);
        var random = new Random(9);
        var trials = new List<CrashTrial>();
        foreach (var mode in Enum.GetValues<CrashMode>())
        {
            for (var i = 0; i < 2; i++)
            {
                trials.Add(await harness.CrashAndRecoverAsync(mode, random, newRows: 30_000, updates: 500));
            }
        }

        output.WriteLine(IncrementalCrashHarness.Describe(trials));
        Assert.All(trials, t => Assert.True(t.Exact, t.ToString()));
        // The kills must have landed where intended, or the test proves less than it says.
        Assert.All(trials.Where(t => t.Mode == CrashMode.BeforeWatermark), t => Assert.StartsWith("held after the load committed", t.KilledAt));
        Assert.Contains(trials, t => t.Mode == CrashMode.Extract && t.KilledAt.Contains("extract", StringComparison.Ordinal));
        Assert.Contains(trials, t => t.Mode == CrashMode.Load && t.KilledAt.Contains("load", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_metadata_store_in_the_target_database_the_watermark_commits_in_the_load_transaction()
    {
        var harness = new IncrementalCrashHarness(_root, _db.ConnectionString, _db.ConnectionsYaml(), SluiceDll());
        await harness.SetupAsync(rows: 1_000);
        var metadata = new Dictionary<string, string> { ["SLUICE_METADATA"] = _db.ConnectionString + ";Schema=meta" };
        var (exit, log) = await harness.RunAsync(metadata);
        Assert.True(exit == 0, log);
        Assert.Contains("watermark of 'updated_at' of task 'extract' committed in the load's transaction", log);

        // Killed after the load's commit: with SQLite metadata the watermark would still be the old one here.
        var killedAt = await harness.AddAndKillBeforeWatermarkAsync(newRows: 2_000, metadata);

        Assert.StartsWith("held after the load committed", killedAt);
        await using var store = await PostgresMetadataStore.OpenAsync(PostgresMetadataSettings.Parse(_db.ConnectionString + ";Schema=meta", _ => null));
        var watermark = (await store.GetCursorAsync("inc_crash", "extract", CancellationToken.None))!;
        var runs = await store.ListRunsAsync("inc_crash", 10, CancellationToken.None);
        Assert.Equal(runs.Max(r => r.Id), watermark.RunId); // moved by the killed run, with its rows
        Assert.Equal(await _db.ScalarAsync<DateTime>("SELECT max(updated_at) FROM src_orders"), DateTime.Parse(watermark.Value.Text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal));
        Assert.Empty(await store.ListHeldCursorsAsync("inc_crash", CancellationToken.None));
        Assert.Equal((0L, 0L, 0L, 0L), await harness.CompareAsync());
    }

    /// <summary>
    /// The CLI from its own build output: this project references the ASP.NET framework (for the example
    /// API), so the copy beside the tests lacks the Microsoft.Extensions assemblies the CLI runs with.
    /// </summary>
    private static string SluiceDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var tail = Path.Combine(here.Parent!.Parent!.Name, here.Parent.Name, here.Name); // bin/<configuration>/<tfm>
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Sluice.Cli", tail, "sluice.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"src/Sluice.Cli/{tail}/sluice.dll not found above {here.FullName}; build the test project first.");
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A killed process's file may still be closing; the OS temp cleaner takes it later.
        }
    }
}
