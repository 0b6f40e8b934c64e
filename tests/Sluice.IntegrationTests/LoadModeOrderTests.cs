using Xunit.Abstractions;

namespace Sluice.IntegrationTests;

/// <summary>
/// What a late interval does to each load mode that depends on what came before: three days of order
/// changes loaded in every order (and then one day rerun) into the DuckDB sink's modes and two
/// incremental models. Each table is compared with a C# model of the mode, and the modes documented as
/// safe for backfills (docs/connectors/load-order.md) must equal the in-order result in every order.
/// </summary>
public sealed class LoadModeOrderTests(ITestOutputHelper output)
{
    private static readonly (string Day, string[] Rows)[] Days =
    [
        ("2024-03-01", ["o1,new,10,2024-03-01", "o2,new,20,2024-03-01"]),
        ("2024-03-02", ["o1,paid,10,2024-03-02", "o3,new,30,2024-03-02"]),
        ("2024-03-03", ["o1,shipped,10,2024-03-03", "o2,cancelled,20,2024-03-03", "o4,new,40,2024-03-03"]),
    ];

    private const string Pipeline = """
        name: orders
        defaults: { retries: 0 }
        tasks:
          extract: { source: files, output: raw, with: { path: "in/orders_{{ ds }}.csv" } }
          append: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: orders_append, mode: append } }
          replace: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: orders_replace, mode: replace } }
          upsert: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: orders_upsert, mode: upsert, key: order_id } }
          by_day: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: orders_by_day, mode: delete_insert, partition_column: updated, partition_value: "{{ ds }}" } }
          models:
            transform: models
            inputs: [raw]
            outputs: [model_by_day, model_by_id, model_append, model_high_water]
            with: { path: models, database: models.duckdb }
        """;

    /// <summary>A mode as the docs describe it: the table after loading these days in this order.</summary>
    private static readonly Dictionary<string, Func<IReadOnlyList<string>, IEnumerable<string>>> Modes = new()
    {
        ["wh.duckdb:orders_append"] = order => order.SelectMany(RowsOf),
        ["wh.duckdb:orders_replace"] = order => RowsOf(order[^1]),
        ["wh.duckdb:orders_upsert"] = order => order.SelectMany(RowsOf).GroupBy(r => r.Split(',')[0]).Select(g => g.Last()),
        ["wh.duckdb:orders_by_day"] = order => order.Distinct().SelectMany(RowsOf),
        ["models.duckdb:model_by_day"] = order => order.Distinct().SelectMany(RowsOf),
        ["models.duckdb:model_by_id"] = order => order.SelectMany(RowsOf).GroupBy(r => r.Split(',')[0]).Select(g => g.Last()),
        ["models.duckdb:model_append"] = order => order.SelectMany(RowsOf),
        ["models.duckdb:model_high_water"] = order => order.Where((day, i) => i == 0 || string.CompareOrdinal(day, order.Take(i).Max()) > 0).SelectMany(RowsOf),
    };

    /// <summary>Modes whose result does not depend on the order of the days.</summary>
    private static readonly string[] Safe = ["wh.duckdb:orders_append", "wh.duckdb:orders_by_day", "models.duckdb:model_by_day", "models.duckdb:model_append"];

    [Fact]
    public async Task Each_mode_gives_what_its_docs_say_in_every_order_and_the_safe_ones_equal_the_in_order_result()
    {
        var inOrder = Days.Select(d => d.Day).ToList();
        var orders = 0;
        var differs = Modes.Keys.ToDictionary(m => m, _ => 0);
        foreach (var order in Scd2Snapshots.Permutations(inOrder))
        {
            using var project = Project();
            foreach (var day in order)
            {
                Assert.True((await project.RunAsync("pipeline.yaml", day)).Succeeded, $"order {string.Join(" ", order)}, day {day}");
            }

            foreach (var (table, mode) in Modes)
            {
                var actual = Rows(project, table);
                Assert.Equal(Sorted(mode(order)), actual);
                if (!actual.SequenceEqual(Sorted(mode(inOrder))))
                {
                    Assert.DoesNotContain(table, Safe);
                    differs[table]++;
                }
            }

            // A rerun is one more load of that day: append adds its rows again; the others end as their model says.
            List<string> again = [.. order, order[orders % order.Count]];
            Assert.True((await project.RunAsync("pipeline.yaml", again[^1])).Succeeded);
            foreach (var (table, mode) in Modes)
            {
                Assert.Equal(Sorted(mode(again)), Rows(project, table));
            }

            orders++;
        }

        output.WriteLine($"{orders} orders of {Days.Length} days tried; orders that differ from the in-order result: " + string.Join(", ", differs.Select(d => $"{d.Key} {d.Value}")));
        Assert.Equal(6, orders);
        Assert.All(["wh.duckdb:orders_replace", "wh.duckdb:orders_upsert", "models.duckdb:model_by_id", "models.duckdb:model_high_water"], unsafeMode => Assert.True(differs[unsafeMode] > 0, unsafeMode));
    }

    private static TestProject Project()
    {
        var project = new TestProject();
        project.Write("pipeline.yaml", Pipeline);
        foreach (var (day, rows) in Days)
        {
            project.Write($"in/orders_{day}.csv", "order_id,status,amount,updated\n" + string.Join('\n', rows) + "\n");
        }

        project.Write("models/model_by_day.sql", """
            -- materialized: incremental
            -- unique_key: updated
            SELECT order_id, status, amount, updated FROM {{ source('raw') }}
            """);
        project.Write("models/model_by_id.sql", """
            -- materialized: incremental
            -- unique_key: order_id
            SELECT order_id, status, amount, updated FROM {{ source('raw') }}
            """);
        project.Write("models/model_append.sql", """
            -- materialized: incremental
            -- incremental_strategy: append
            SELECT order_id, status, amount, updated FROM {{ source('raw') }}
            """);
        project.Write("models/model_high_water.sql", """
            -- materialized: incremental
            SELECT order_id, status, amount, updated FROM {{ source('raw') }}
            {% if is_incremental %}WHERE updated > (SELECT max(updated) FROM {{ this }}){% endif %}
            """);
        return project;
    }

    private static IEnumerable<string> RowsOf(string day) => Days.Single(d => d.Day == day).Rows;

    private static List<string> Sorted(IEnumerable<string> rows) => [.. rows.Order(StringComparer.Ordinal)];

    private static List<string> Rows(TestProject project, string table)
    {
        var (database, name) = (table.Split(':')[0], table.Split(':')[1]);
        return Sorted(project.Warehouse(database).Query($"SELECT concat_ws(',', order_id, status, amount, CAST(updated AS VARCHAR)) FROM {name}").Select(r => (string)r[0]!));
    }
}
