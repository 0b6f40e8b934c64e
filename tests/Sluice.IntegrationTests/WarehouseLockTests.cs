using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Sluice.Engine.DuckDb;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>
/// Processes that write one DuckDB warehouse file take turns through a lock beside it, instead of
/// failing on DuckDB's "Conflicting lock is held" when they meet.
/// </summary>
public sealed class WarehouseLockTests : IDisposable
{
    private readonly TestProject _project = new();

    [Fact]
    public async Task A_run_waits_for_a_warehouse_another_process_holds_says_so_and_then_loads()
    {
        WritePipeline("first", tables: 1);
        var database = _project.PathOf("warehouse.duckdb");
        var turn = await WarehouseLock.WaitAsync(database, CancellationToken.None);
        var holder = new DuckDBConnection($"DataSource={database}");
        holder.Open();

        using var run = CliProcess.Start(_project.Root, null, "run", "first.yaml", "--date", "2024-03-01");
        var seen = new StringBuilder();
        var waited = false;
        while (await run.StandardOutput.ReadLineAsync() is { } line)
        {
            seen.AppendLine(line);
            if (line.Contains($"waiting for {database}, in use by another process", StringComparison.Ordinal))
            {
                waited = true;
                break;
            }
        }

        holder.Dispose();
        turn.Dispose();
        var result = await CliProcess.WaitAsync(run);

        Assert.True(waited, seen + result.All);
        Assert.True(result.ExitCode == 0, seen + result.All);
        Assert.Equal(3L, new Warehouse(database).Query("SELECT count(*) FROM first_0").Single()[0]);
    }

    [Fact]
    public async Task Two_runs_of_different_pipelines_writing_one_warehouse_both_succeed_without_retries()
    {
        WritePipeline("first", tables: 6);
        WritePipeline("second", tables: 6);

        using var first = CliProcess.Start(_project.Root, null, "run", "first.yaml", "--date", "2024-03-01");
        using var second = CliProcess.Start(_project.Root, null, "run", "second.yaml", "--date", "2024-03-01");
        var results = await Task.WhenAll(CliProcess.WaitAsync(first), CliProcess.WaitAsync(second));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.All));
        var warehouse = new Warehouse(_project.PathOf("warehouse.duckdb"));
        Assert.Equal(12L, warehouse.Query("SELECT count(*) FROM information_schema.tables").Single()[0]);
    }

    /// <summary>A pipeline that loads one small file into <paramref name="tables"/> tables of the shared warehouse, one sink each.</summary>
    private void WritePipeline(string name, int tables)
    {
        _project.Write($"in/{name}.csv", "id,amount\n1,2.5\n2,3.5\n3,4.5\n");
        var yaml = new StringBuilder($"name: {name}\ndefaults: {{ retries: 0 }}\ntasks:\n  extract: {{ source: files, output: raw, with: {{ path: in/{name}.csv }} }}\n");
        for (var i = 0; i < tables; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  load_{i}: {{ sink: duckdb, input: raw, with: {{ database: warehouse.duckdb, table: {name}_{i} }} }}\n");
        }

        _project.Write($"{name}.yaml", yaml.ToString());
    }

    public void Dispose() => _project.Dispose();
}
