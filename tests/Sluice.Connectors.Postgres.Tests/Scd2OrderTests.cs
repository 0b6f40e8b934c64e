using Sluice.Connectors.Postgres.Tests.Infrastructure;
using Xunit.Abstractions;
using Snapshots = Sluice.Testing.Scd2Snapshots;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>
/// An scd2 dimension of full snapshots (close_missing) in PostgreSQL gets the same history whatever
/// order its days are loaded in: every permutation of four days, compared with the in-order history
/// computed in C# (the same days and oracle as the DuckDB warehouse's test).
/// </summary>
public sealed class Scd2OrderTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PgDatabase _db = null!;

    public async Task InitializeAsync() => _db = await PgDatabase.CreateAsync();

    [Fact]
    public async Task Every_order_of_four_daily_snapshots_gives_the_in_order_history_reruns_change_nothing_and_corrections_fit_in()
    {
        var days = Snapshots.Days();
        var expected = Snapshots.InOrderHistory(days);
        var orders = 0;
        foreach (var order in Snapshots.Permutations(days.Select(d => d.Day).ToList()))
        {
            await _db.ExecuteAsync("DROP TABLE IF EXISTS dim_customer; DROP TABLE IF EXISTS sluice_scd2_loads");
            using var project = new TestProject();
            project.Write("connections.yaml", _db.ConnectionsYaml());
            project.Write("pipeline.yaml", """
                name: customers
                defaults: { retries: 0 }
                tasks:
                  extract: { source: files, output: raw, with: { path: "in/customers_{{ ds }}.csv" } }
                  load:
                    sink: postgres
                    input: raw
                    with: { connection: wh, table: dim_customer, mode: scd2, key: customer_id, tracked: [city], close_missing: true }
                """);
            foreach (var (day, cities) in days)
            {
                project.Write($"in/customers_{day}.csv", Snapshots.Csv(day, cities));
            }

            var name = string.Join(" ", order);
            var gone = new HashSet<long>();
            var history = new List<(string, long)>();
            foreach (var day in order)
            {
                await project.RunOkAsync(day);
                var after = await HistoryAsync();
                Snapshots.CheckKeys(history, after, gone, $"order {name}, day {day}");
                history = after;
            }

            var lines = history.Select(h => h.Item1).ToList();
            Assert.True(expected.SequenceEqual(lines.Order(StringComparer.Ordinal)), $"order {name}:\nmissing: {string.Join("; ", expected.Except(lines))}\nunexpected: {string.Join("; ", lines.Except(expected))}");
            await project.RunOkAsync(order[orders % order.Count]);
            Assert.Equal(history.Order(), (await HistoryAsync()).Order());

            // A corrected snapshot for a day already loaded, rerun after the others: the in-order history of the corrected days.
            var corrected = order[(orders + 1) % order.Count];
            project.Write($"in/customers_{corrected}.csv", Snapshots.Csv(corrected, Snapshots.Corrected(days.Single(d => d.Day == corrected).Cities)));
            await project.RunOkAsync(corrected);
            var correctedDays = days.Select(d => d.Day == corrected ? (d.Day, Snapshots.Corrected(d.Cities)) : d).ToList();
            var correctedHistory = (await HistoryAsync());
            Snapshots.CheckKeys(history, correctedHistory, gone, $"order {name}, corrected {corrected}");
            Assert.Equal(Snapshots.InOrderHistory(correctedDays), correctedHistory.Select(h => h.Item1).Order(StringComparer.Ordinal));
            orders++;
        }

        output.WriteLine($"{orders} orders of {days.Count} days tried, each equal to the in-order history of {expected.Count} versions");
        Assert.Equal(24, orders);
    }

    private async Task<List<(string, long)>> HistoryAsync() =>
        (await _db.QueryAsync(Snapshots.HistoryQuery)).Select(r => ((string)r[0]!, (long)r[1]!)).ToList();

    public async Task DisposeAsync() => await _db.DisposeAsync();
}
