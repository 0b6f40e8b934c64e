using System.Globalization;
using Xunit.Abstractions;

namespace Sluice.IntegrationTests;

/// <summary>
/// An scd2 dimension of full snapshots (close_missing) gets the same history whatever order its days
/// are loaded in: every permutation of four days, compared with the in-order history computed in C#.
/// </summary>
public sealed class Scd2OrderTests(ITestOutputHelper output)
{
    private const string Pipeline = """
        name: customers
        defaults: { retries: 0 }
        tasks:
          extract: { source: files, output: raw, with: { path: "in/customers_{{ ds }}.csv" } }
          load:
            sink: duckdb
            input: raw
            with: { database: wh.duckdb, table: dim_customer, mode: scd2, key: customer_id, tracked: [city], close_missing: true }
        """;

    [Fact]
    public async Task Every_order_of_four_daily_snapshots_gives_the_in_order_history_reruns_change_nothing_and_corrections_fit_in()
    {
        var days = Scd2Snapshots.Days();
        var expected = Scd2Snapshots.InOrderHistory(days);
        var orders = 0;
        foreach (var order in Scd2Snapshots.Permutations(days.Select(d => d.Day).ToList()))
        {
            using var project = new TestProject();
            project.Write("pipeline.yaml", Pipeline);
            foreach (var (day, cities) in days)
            {
                project.Write($"in/customers_{day}.csv", Scd2Snapshots.Csv(day, cities));
            }

            var name = string.Join(" ", order);
            var gone = new HashSet<long>();
            var history = new List<(string, long)>();
            foreach (var day in order)
            {
                var result = await project.RunAsync("pipeline.yaml", day);
                Assert.True(result.Succeeded, $"order {name}, day {day}: {result.Run.Error}");
                var after = History(project);
                Scd2Snapshots.CheckKeys(history, after, gone, $"order {name}, day {day}");
                history = after;
            }

            Assert.True(expected.SequenceEqual(history.Select(h => h.Item1).Order(StringComparer.Ordinal)), $"order {name}:\n{Diff(expected, history)}");
            var rerun = order[orders % order.Count];
            Assert.True((await project.RunAsync("pipeline.yaml", rerun)).Succeeded);
            Assert.Equal(history.Order(), History(project).Order());

            // A corrected snapshot for a day already loaded, rerun after the others: the in-order history of the corrected days.
            var corrected = order[(orders + 1) % order.Count];
            project.Write($"in/customers_{corrected}.csv", Scd2Snapshots.Csv(corrected, Scd2Snapshots.Corrected(days.Single(d => d.Day == corrected).Cities)));
            Assert.True((await project.RunAsync("pipeline.yaml", corrected)).Succeeded);
            var correctedDays = days.Select(d => d.Day == corrected ? (d.Day, Scd2Snapshots.Corrected(d.Cities)) : d).ToList();
            var correctedHistory = History(project);
            Scd2Snapshots.CheckKeys(history, correctedHistory, gone, $"order {name}, corrected {corrected}");
            Assert.Equal(Scd2Snapshots.InOrderHistory(correctedDays), correctedHistory.Select(h => h.Item1).Order(StringComparer.Ordinal));
            orders++;
        }

        output.WriteLine($"{orders} orders of {days.Count} days tried, each equal to the in-order history of {expected.Count} versions");
        Assert.Equal(24, orders);
    }

    [Fact]
    public async Task Without_close_missing_every_order_either_gives_the_in_order_history_of_the_days_loaded_or_refuses_a_day_and_changes_nothing()
    {
        var days = Scd2Snapshots.Days();
        var (orders, refused) = (0, 0);
        foreach (var order in Scd2Snapshots.Permutations(days.Select(d => d.Day).ToList()))
        {
            using var project = new TestProject();
            project.Write("pipeline.yaml", Pipeline.Replace("close_missing: true", "close_missing: false", StringComparison.Ordinal));
            foreach (var (day, cities) in days)
            {
                project.Write($"in/customers_{day}.csv", Scd2Snapshots.Csv(day, cities));
            }

            var loaded = new List<string>();
            foreach (var day in order)
            {
                var before = project.Warehouse("wh.duckdb").Exists ? project.Warehouse("wh.duckdb").SnapshotAll() : string.Empty;
                var result = await project.RunAsync("pipeline.yaml", day);
                if (result.Succeeded)
                {
                    loaded.Add(day);
                    continue;
                }

                refused++;
                Assert.Contains($"cannot merge the input for {day} exactly", result.Run.Error);
                Assert.Equal(before, project.Warehouse("wh.duckdb").SnapshotAll());
            }

            var expected = Scd2Snapshots.InOrderHistory(days.Where(d => loaded.Contains(d.Day)), carry: true);
            Assert.Equal(expected, History(project).Select(h => h.Item1).Order(StringComparer.Ordinal));
            orders++;
        }

        output.WriteLine($"{orders} orders of {days.Count} days tried without close_missing: {refused} late load(s) refused, every other load exact");
        Assert.Equal(24, orders);
        Assert.True(refused > 0, "some late day changes a version that later loads saw open, so some order must be refused");
    }

    private static List<(string, long)> History(TestProject project) =>
        project.Warehouse("wh.duckdb").Query(Scd2Snapshots.HistoryQuery)
            .Select(r => ((string)r[0]!, Convert.ToInt64(r[1], CultureInfo.InvariantCulture))).ToList();

    private static string Diff(IReadOnlyList<string> expected, List<(string Line, long Sk)> actual)
    {
        var lines = actual.Select(a => a.Line).ToList();
        return "missing: " + string.Join("; ", expected.Except(lines)) + "\nunexpected: " + string.Join("; ", lines.Except(expected));
    }
}
