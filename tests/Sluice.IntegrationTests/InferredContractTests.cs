using System.Text.Json.Nodes;
using Sluice.Contracts;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>
/// Datasets without declared columns: the first successful run records the schema as contract
/// version 1, and later runs are held to it (on_new_fields, removed and retyped columns, columns
/// that became all NULL).
/// </summary>
public sealed class InferredContractTests : IDisposable
{
    private readonly TestProject _project = new();

    private void WritePipeline(string? onNewFields = null) => _project.Write("pipeline.yaml", $$$"""
        name: shop
        tasks:
          extract:
            source: files
            output: raw
            retries: 2
            retry_delay: 1s
            {{{(onNewFields is null ? string.Empty : "on_new_fields: " + onNewFields)}}}
            with: { path: "in/{{ ds }}.csv" }
        """);

    private async Task<RunResult> RunDayAsync(string date, string csv)
    {
        _project.Write($"in/{date}.csv", csv);
        return await _project.RunAsync("pipeline.yaml", date);
    }

    private async Task<SqliteMetadataStore> StoreAsync() => await SqliteMetadataStore.OpenAsync(Path.Combine(_project.StateDirectory, "sluice.db"));

    private async Task<IReadOnlyList<RunEvent>> DriftEventsAsync()
    {
        await using var store = await StoreAsync();
        return await store.ReadAsync(new EventQuery { Types = [EventTypes.ContractDrift] }, CancellationToken.None);
    }

    private async Task<IReadOnlyList<ContractVersion>> VersionsAsync()
    {
        await using var store = await StoreAsync();
        return await store.ContractVersionsAsync("shop", "raw", CancellationToken.None);
    }

    private static string[] Names(JsonNode? array, string field = "name") => array!.AsArray().Select(n => (string)n![field]!).ToArray();

    [Fact]
    public async Task The_first_successful_run_records_the_schema_as_contract_version_1()
    {
        WritePipeline();

        var result = await RunDayAsync("2024-03-01", "id,amount,customer\n1,12.5,ann\n2,3.25,bob\n");

        Assert.True(result.Succeeded, result.Run.Error);
        var version = Assert.Single(await VersionsAsync());
        Assert.Equal(1, version.Version);
        Assert.Equal(ContractOrigins.Inferred, version.Origin);
        Assert.Equal(result.Run.Id, version.RunId);
        Assert.Equal(["id BIGINT", "amount DOUBLE", "customer VARCHAR"], version.Columns.Select(c => $"{c.Name} {c.Type}"));
        Assert.Empty(await DriftEventsAsync());
    }

    [Fact]
    public async Task A_new_field_under_the_default_policy_evolves_the_contract_and_is_reported_once()
    {
        WritePipeline();
        await RunDayAsync("2024-03-01", "id,amount\n1,12.5\n");

        var second = await RunDayAsync("2024-03-02", "id,amount,coupon\n1,12.5,SPRING\n");
        var third = await RunDayAsync("2024-03-03", "id,amount,coupon\n2,1.5,\n3,2.5,X\n");

        Assert.True(second.Succeeded, second.Run.Error);
        Assert.True(third.Succeeded, third.Run.Error);
        var versions = await VersionsAsync();
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal(ContractOrigins.Evolved, versions[1].Origin);
        Assert.Equal(["id", "amount", "coupon"], versions[1].Columns.Select(c => c.Name));
        var drift = Assert.Single(await DriftEventsAsync());
        Assert.Equal("raw", drift.Text("dataset"));
        Assert.Equal("warning", drift.Text("severity"));
        Assert.Equal("evolve", drift.Text("policy"));
        Assert.Equal(["coupon"], Names(drift.Payload["added"]));
        Assert.Contains("new column 'coupon' (VARCHAR)", drift.Text("summary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_field_under_ignore_is_published_reported_once_and_not_recorded()
    {
        WritePipeline("ignore");
        await RunDayAsync("2024-03-01", "id,amount\n1,12.5\n");

        var second = await RunDayAsync("2024-03-02", "id,amount,coupon\n1,12.5,SPRING\n");
        var third = await RunDayAsync("2024-03-03", "id,amount,coupon\n2,1.5,X\n");

        Assert.True(second.Succeeded, second.Run.Error);
        Assert.True(third.Succeeded, third.Run.Error);
        Assert.Equal([1], (await VersionsAsync()).Select(v => v.Version));
        Assert.True(File.Exists(_project.Staged("shop", "2024-03-02", "raw")));
        var drift = Assert.Single(await DriftEventsAsync());
        Assert.Equal("ignore", drift.Text("policy"));
        Assert.Equal(["coupon"], Names(drift.Payload["added"]));
    }

    [Fact]
    public async Task A_new_field_under_fail_fails_the_task_without_retrying_and_publishes_nothing()
    {
        WritePipeline("fail");
        await RunDayAsync("2024-03-01", "id,amount\n1,12.5\n");

        var second = await RunDayAsync("2024-03-02", "id,amount,coupon\n1,12.5,SPRING\n");

        var extract = second.Tasks.Single(t => t.TaskId == "extract");
        Assert.Equal(TaskState.Failed, extract.State);
        Assert.Equal(1, extract.TryNumber);
        Assert.Contains("dataset 'raw' does not match its contract (version 1, inferred from run 1 for 2024-03-01): new column 'coupon' (VARCHAR).", extract.Error);
        Assert.Contains("run 'sluice contract accept pipeline.yaml raw'", extract.Error);
        Assert.False(File.Exists(_project.Staged("shop", "2024-03-02", "raw")));
        Assert.Equal([1], (await VersionsAsync()).Select(v => v.Version));
        var drift = Assert.Single(await DriftEventsAsync());
        Assert.Equal("error", drift.Text("severity"));
    }

    [Fact]
    public async Task A_removed_field_fails_naming_the_columns_present_and_the_probable_rename()
    {
        WritePipeline("evolve");
        await RunDayAsync("2024-03-01", "id,amount,customer\n1,12.5,ann\n");

        var second = await RunDayAsync("2024-03-02", "id,amt,customer\n1,12.5,ann\n");

        var extract = second.Tasks.Single(t => t.TaskId == "extract");
        Assert.Equal(TaskState.Failed, extract.State);
        Assert.Equal(1, extract.TryNumber); // retries: 2, but a renamed column fails the same way every time
        Assert.Contains("missing column 'amount' (DOUBLE); new column 'amt' (DOUBLE).", extract.Error);
        Assert.Contains("'amount' looks renamed to 'amt' (its values fit DOUBLE, same position, the only new field).", extract.Error);
        Assert.Contains("Columns present: id (BIGINT), amt (DOUBLE), customer (VARCHAR).", extract.Error);
        Assert.Contains("Nothing was published.", extract.Error);
        var drift = Assert.Single(await DriftEventsAsync());
        Assert.Equal(["amount"], Names(drift.Payload["removed"]));
        Assert.Equal(["amt"], Names(drift.Payload["renamed"], "to"));
        Assert.Equal([1], (await VersionsAsync()).Select(v => v.Version));
    }

    [Fact]
    public async Task A_changed_type_fails_naming_both_types()
    {
        WritePipeline();
        await RunDayAsync("2024-03-01", "id,amount\n1,12.5\n");

        var second = await RunDayAsync("2024-03-02", "id,amount\n1,twelve\n");

        var extract = second.Tasks.Single(t => t.TaskId == "extract");
        Assert.Equal(TaskState.Failed, extract.State);
        Assert.Contains("column 'amount' is VARCHAR, was DOUBLE", extract.Error);
        var drift = Assert.Single(await DriftEventsAsync());
        Assert.Equal("DOUBLE", (string)drift.Payload["retyped"]![0]!["from"]!);
    }

    [Fact]
    public async Task A_column_that_becomes_all_null_against_its_history_is_drift_reported_once_and_not_a_failure()
    {
        WritePipeline();
        await RunDayAsync("2024-03-01", "id,amount,note\n1,12.5,\n2,3.5,\n");
        await RunDayAsync("2024-03-02", "id,amount,note\n3,1.5,\n4,2.0,hi\n");

        // amount always had values; note was all NULL on the first day, so its emptiness is normal.
        var third = await RunDayAsync("2024-03-03", "id,amount,note\n5,,\n6,,\n");
        var fourth = await RunDayAsync("2024-03-04", "id,amount,note\n7,,\n");

        Assert.True(third.Succeeded, third.Run.Error);
        Assert.True(fourth.Succeeded, fourth.Run.Error);
        var drift = Assert.Single(await DriftEventsAsync());
        Assert.Equal(new DateOnly(2024, 3, 3), drift.LogicalDate);
        Assert.Equal(["amount"], drift.Payload["always_null"]!.AsArray().Select(n => (string)n!).ToArray());
        Assert.Empty(drift.Payload["retyped"]!.AsArray()); // read as VARCHAR from an empty CSV column: not a type change
        Assert.Equal("warning", drift.Text("severity"));
        Assert.Contains("'amount' is NULL in every row of this interval, and never was before.", drift.Text("summary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_new_fields_is_validated_with_a_suggestion_and_refused_on_sinks()
    {
        _project.Write("pipeline.yaml", """
            name: shop
            tasks:
              extract:
                source: files
                output: raw
                on_new_fields: evolved
                with: { path: in.csv }
            """);
        var typo = Assert.Throws<Validation.PipelineValidationException>(() => _project.Load());
        Assert.Contains("on_new_fields: unknown value 'evolved'. Did you mean 'evolve'?", typo.Message);
        Assert.Contains("pipeline.yaml:6:", typo.Message);

        _project.Write("pipeline.yaml", """
            name: shop
            tasks:
              extract:
                source: files
                output: raw
                with: { path: in.csv }
              load:
                sink: duckdb
                input: raw
                on_new_fields: fail
                with: { database: wh.duckdb, table: t }
            """);
        var result = await Assert.ThrowsAsync<Validation.PipelineValidationException>(() => _project.RunAsync("pipeline.yaml", "2024-03-01"));
        Assert.Contains("task 'load': on_new_fields applies to the datasets a task writes", result.Message);
    }

    public void Dispose() => _project.Dispose();
}
