using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Sluice.Events;
using Sluice.Metadata.Sqlite;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>The SQLite metadata store: upgrades in place, holds intervals, and keeps the event log.</summary>
public sealed class MetadataStoreTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sluice-store-");

    private string DatabasePath => Path.Combine(_folder.FullName, "sluice.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private static RunRecord Run(DateOnly date, int? processId = null, DateTimeOffset? heartbeat = null, string? host = null) => new()
    {
        Pipeline = "p",
        LogicalDate = date,
        IntervalStart = date.ToDateTime(TimeOnly.MinValue),
        IntervalEnd = date.AddDays(1).ToDateTime(TimeOnly.MinValue),
        StartedAt = DateTimeOffset.UtcNow,
        HeartbeatAt = heartbeat ?? DateTimeOffset.UtcNow,
        Host = host ?? RunLiveness.HostName,
        ProcessId = processId ?? Environment.ProcessId,
    };

    /// <summary>The pid of a process that has exited.</summary>
    private static async Task<int> DeadProcessAsync()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        await process.WaitForExitAsync();
        return process.Id;
    }

    [Fact]
    public async Task A_state_folder_from_before_versioned_migrations_is_upgraded_and_keeps_its_history()
    {
        await using (var old = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline TEXT NOT NULL, logical_date TEXT NOT NULL, interval_start TEXT NOT NULL,
                    interval_end TEXT NOT NULL, state TEXT NOT NULL, trigger TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, error TEXT);
                CREATE TABLE task_instances (run_id INTEGER NOT NULL, task_id TEXT NOT NULL, state TEXT NOT NULL, try_number INTEGER NOT NULL,
                    started_at TEXT, ended_at TEXT, rows_read INTEGER NOT NULL, rows_written INTEGER NOT NULL, rows_quarantined INTEGER NOT NULL,
                    reused INTEGER NOT NULL, error TEXT, PRIMARY KEY (run_id, task_id));
                INSERT INTO runs (pipeline, logical_date, interval_start, interval_end, state, trigger, started_at, ended_at)
                VALUES ('sales_etl', '2024-03-01', '2024-03-01T00:00:00.000Z', '2024-03-02T00:00:00.000Z', 'failed', 'manual', '2024-03-02T02:00:00.000Z', '2024-03-02T02:01:00.000Z');
                """;
            await create.ExecuteNonQueryAsync();
        }

        await using var store = await SqliteMetadataStore.OpenAsync(DatabasePath);
        var runs = await store.ListRunsAsync(null, 10, CancellationToken.None);
        var next = await store.StartRunAsync(Run(new DateOnly(2024, 3, 2)), CancellationToken.None);

        Assert.Equal("sales_etl", Assert.Single(runs).Pipeline);
        Assert.Equal(2, next.Id);
    }

    [Fact]
    public async Task Two_stores_on_one_file_cannot_both_start_the_same_interval()
    {
        await using var one = await SqliteMetadataStore.OpenAsync(DatabasePath);
        await using var two = await SqliteMetadataStore.OpenAsync(DatabasePath);
        var date = new DateOnly(2024, 3, 1);

        var first = await one.StartRunAsync(Run(date), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<RunConflictException>(() => two.StartRunAsync(Run(date), CancellationToken.None));
        var otherDay = await two.StartRunAsync(Run(date.AddDays(1)), CancellationToken.None);
        await one.FinishRunAsync(first.Id, RunState.Success, null, CancellationToken.None);
        var afterwards = await two.StartRunAsync(Run(date), CancellationToken.None);

        Assert.Equal(first.Id, refused.Other.Id);
        Assert.NotEqual(first.Id, otherDay.Id);
        Assert.True(afterwards.Id > otherDay.Id);
    }

    [Fact]
    public async Task A_run_on_another_host_whose_heartbeat_stopped_is_abandoned_but_a_fresh_one_is_not()
    {
        await using var store = await SqliteMetadataStore.OpenAsync(DatabasePath);
        var date = new DateOnly(2024, 3, 1);
        var fresh = await store.StartRunAsync(Run(date, processId: 1, host: "worker-2"), CancellationToken.None);
        await Assert.ThrowsAsync<RunConflictException>(() => store.StartRunAsync(Run(date), CancellationToken.None));
        await store.FinishRunAsync(fresh.Id, RunState.Success, null, CancellationToken.None);
        var silent = await store.StartRunAsync(Run(date, processId: 1, host: "worker-2", heartbeat: DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5)), CancellationToken.None);

        var next = await store.StartRunAsync(Run(date), CancellationToken.None);

        Assert.NotEqual(silent.Id, next.Id);
        Assert.Equal(RunState.Abandoned, (await store.GetRunAsync(silent.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_run_whose_process_died_is_abandoned_and_frees_its_interval()
    {
        await using var store = await SqliteMetadataStore.OpenAsync(DatabasePath);
        var date = new DateOnly(2024, 3, 1);
        var silent = await store.StartRunAsync(Run(date, processId: await DeadProcessAsync()), CancellationToken.None);
        await store.SaveTaskAsync(new TaskInstanceRecord { RunId = silent.Id, TaskId = "extract", State = TaskState.Running, TryNumber = 1 }, CancellationToken.None);

        var next = await store.StartRunAsync(Run(date), CancellationToken.None);
        var old = await store.GetRunAsync(silent.Id, CancellationToken.None);
        var task = Assert.Single(await store.ListTasksAsync(silent.Id, CancellationToken.None));
        var events = await store.ReadAsync(new EventQuery { RunId = silent.Id }, CancellationToken.None);

        Assert.NotEqual(silent.Id, next.Id);
        Assert.Equal(RunState.Abandoned, old!.State);
        Assert.StartsWith("abandoned: process", old.Error, StringComparison.Ordinal);
        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal("abandoned", Assert.Single(events).Text("state"));
    }

    [Fact]
    public async Task Events_are_kept_in_order_and_read_by_position_run_and_type()
    {
        await using var store = await SqliteMetadataStore.OpenAsync(DatabasePath);
        var at = new DateTimeOffset(2024, 3, 2, 2, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 5; i++)
        {
            await store.AppendAsync(
                new RunEvent { Timestamp = at.AddSeconds(i), Type = i % 2 == 0 ? EventTypes.Log : EventTypes.Rows, Pipeline = "p", RunId = 1 + (i % 2), Payload = new JsonObject { ["n"] = i } },
                CancellationToken.None);
        }

        var all = await store.ReadAsync(new EventQuery(), CancellationToken.None);
        var after = await store.ReadAsync(new EventQuery { AfterId = all[2].Id }, CancellationToken.None);
        var logs = await store.ReadAsync(new EventQuery { Types = [EventTypes.Log] }, CancellationToken.None);
        var runTwo = await store.ReadAsync(new EventQuery { RunId = 2 }, CancellationToken.None);

        Assert.Equal([0L, 1, 2, 3, 4], all.Select(e => e.Number("n")!.Value));
        Assert.Equal([3L, 4], after.Select(e => e.Number("n")!.Value));
        Assert.Equal([0L, 2, 4], logs.Select(e => e.Number("n")!.Value));
        Assert.Equal([1L, 3], runTwo.Select(e => e.Number("n")!.Value));
        Assert.Equal(at.AddSeconds(4), all[^1].Timestamp);
    }
}
