using Sluice.Connectors.Postgres.Tests.Infrastructure;
using Xunit.Abstractions;
using Snapshots = Sluice.Testing.Scd2Snapshots;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>
/// What a late interval does to each PostgreSQL load mode: three days of order changes loaded in every
/// order, then one day rerun, each table compared with a C# model of its mode; the modes documented as
/// safe for backfills (docs/connectors/load-order.md) must equal the in-order result in every order.
/// </summary>
public sealed class LoadModeOrderTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly (string Day, string[] Rows)[] Days =
    [
        ("2024-03-01", ["o1,new,10,2024-03-01", "o2,new,20,2024-03-01"]),
        ("2024-03-02", ["o1,paid,10,2024-03-02", "o3,new,30,2024-03-02"]),
        ("2024-03-03", ["o1,shipped,10,2024-03-03", "o2,cancelled,20,2024-03-03", "o4,new,40,2024-03-03"]),
    ];

    private static readonly Dictionary<string, Func<IReadOnlyList<string>, IEnumerable<string>>> Modes = new()
    {
        ["orders_append"] = order => order.SelectMany(RowsOf),
        ["orders_replace"] = order => RowsOf(order[^1]),
        ["orders_upsert"] = order => order.SelectMany(RowsOf).GroupBy(r => r.Split(',')[0]).Select(g => g.Last()),
        ["orders_by_day"] = order => order.Distinct().SelectMany(RowsOf),
    };

    private static readonly string[] Safe = ["orders_append", "orders_by_day"];

    private PgDatabase _db = null!;

    public async Task InitializeAsync() => _db = await PgDatabase.CreateAsync();

    [Fact]
    public async Task Each_mode_gives_what_its_docs_say_in_every_order_and_the_safe_ones_equal_the_in_order_result()
    {
        var inOrder = Days.Select(d => d.Day).ToList();
        var orders = 0;
        var differs = Modes.Keys.ToDictionary(m => m, _ => 0);
        foreach (var order in Snapshots.Permutations(inOrder))
        {
            await _db.ExecuteAsync(string.Concat(Modes.Keys.Select(t => $"DROP TABLE IF EXISTS {t};")));
            using var project = Project();
            foreach (var day in order)
            {
                await project.RunOkAsync(day);
            }

            foreach (var (table, mode) in Modes)
            {
                var actual = await RowsAsync(table);
                Assert.Equal(Sorted(mode(order)), actual);
                if (!actual.SequenceEqual(Sorted(mode(inOrder))))
                {
                    Assert.DoesNotContain(table, Safe);
                    differs[table]++;
                }
            }

            List<string> again = [.. order, order[orders % order.Count]];
            await project.RunOkAsync(again[^1]);
            foreach (var (table, mode) in Modes)
            {
                Assert.Equal(Sorted(mode(again)), await RowsAsync(table));
            }

            orders++;
        }

        output.WriteLine($"{orders} orders of {Days.Length} days tried; orders that differ from the in-order result: " + string.Join(", ", differs.Select(d => $"{d.Key} {d.Value}")));
        Assert.Equal(6, orders);
        Assert.True(differs["orders_replace"] > 0 && differs["orders_upsert"] > 0);
    }

    private TestProject Project()
    {
        var project = new TestProject();
        project.Write("connections.yaml", _db.ConnectionsYaml());
        project.Write("pipeline.yaml", """
            name: orders
            defaults: { retries: 0 }
            tasks:
              extract: { source: files, output: raw, with: { path: "in/orders_{{ ds }}.csv" } }
              append: { sink: postgres, input: raw, with: { connection: wh, table: orders_append, mode: append } }
              replace: { sink: postgres, input: raw, with: { connection: wh, table: orders_replace, mode: replace } }
              upsert: { sink: postgres, input: raw, with: { connection: wh, table: orders_upsert, mode: upsert, key: order_id } }
              by_day: { sink: postgres, input: raw, with: { connection: wh, table: orders_by_day, mode: delete_insert, partition_column: updated } }
            """);
        foreach (var (day, rows) in Days)
        {
            project.Write($"in/orders_{day}.csv", "order_id,status,amount,updated\n" + string.Join('\n', rows) + "\n");
        }

        return project;
    }

    private static IEnumerable<string> RowsOf(string day) => Days.Single(d => d.Day == day).Rows;

    private static List<string> Sorted(IEnumerable<string> rows) => [.. rows.Order(StringComparer.Ordinal)];

    private async Task<List<string>> RowsAsync(string table) =>
        Sorted((await _db.QueryAsync($"SELECT concat_ws(',', order_id, status, amount, updated::text) FROM {table}")).Select(r => (string)r[0]!));

    public async Task DisposeAsync() => await _db.DisposeAsync();
}
