using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using Sluice.Contracts;
using Sluice.Model;

namespace Sluice.Metadata.Postgres;

/// <summary>
/// Dataset contracts beside run history: schema versions (added under an advisory lock per dataset,
/// so two processes that saw the same change record it once) and observations, columns as jsonb.
/// </summary>
public sealed partial class PostgresMetadataStore : IContractStore
{
    public async Task<ContractVersion?> CurrentContractAsync(string pipeline, string dataset, CancellationToken cancellationToken) =>
        (await QueryAsync(
            $"SELECT * FROM {_schema}.contract_versions WHERE pipeline = @pipeline AND dataset = @dataset ORDER BY version DESC LIMIT 1",
            [Text("pipeline", pipeline), Text("dataset", dataset)],
            ReadVersion,
            cancellationToken)).FirstOrDefault();

    public async Task<IReadOnlyList<ContractVersion>> ContractVersionsAsync(string pipeline, string? dataset, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT * FROM {_schema}.contract_versions WHERE pipeline = @pipeline AND (@dataset IS NULL OR dataset = @dataset) ORDER BY dataset, version",
            [Text("pipeline", pipeline), Text("dataset", dataset)],
            ReadVersion,
            cancellationToken);

    public Task<ContractVersion?> AddContractVersionAsync(ContractVersion version, int expectedCurrent, CancellationToken cancellationToken) =>
        InTransactionAsync<ContractVersion?>(
            async (c, t) =>
            {
                await ScalarInAsync(c, t, "SELECT pg_advisory_xact_lock(hashtext(@space))", [Text("space", $"sluice.contract:{Settings.Schema}:{version.Pipeline}/{version.Dataset}")], cancellationToken);
                var current = (int)(await ScalarInAsync(
                    c,
                    t,
                    $"SELECT coalesce(max(version), 0) FROM {_schema}.contract_versions WHERE pipeline = @pipeline AND dataset = @dataset",
                    [Text("pipeline", version.Pipeline), Text("dataset", version.Dataset)],
                    cancellationToken))!;
                if (current != expectedCurrent)
                {
                    return null;
                }

                var stored = version with { Version = current + 1 };
                await ExecuteInAsync(
                    c,
                    t,
                    $"""
                    INSERT INTO {_schema}.contract_versions (pipeline, dataset, version, columns, origin, created_at, run_id, logical_date, change)
                    VALUES (@pipeline, @dataset, @version, @columns, @origin, @created_at, @run_id, @logical_date, @change)
                    """,
                    [Text("pipeline", stored.Pipeline), Text("dataset", stored.Dataset), new("version", NpgsqlDbType.Integer) { Value = stored.Version },
                     Json("columns", new JsonArray(stored.Columns.Select(col => (JsonNode)new JsonObject { ["name"] = col.Name, ["type"] = col.Type }).ToArray())),
                     Text("origin", stored.Origin), Time("created_at", stored.CreatedAt), new("run_id", NpgsqlDbType.Bigint) { Value = (object?)stored.RunId ?? DBNull.Value },
                     new("logical_date", NpgsqlDbType.Date) { Value = (object?)stored.LogicalDate ?? DBNull.Value }, Text("change", stored.Change)],
                    cancellationToken);
                return stored;
            },
            cancellationToken);

    public Task RecordObservationAsync(ContractObservation observation, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"""
            INSERT INTO {_schema}.contract_observations (pipeline, dataset, task_id, run_id, logical_date, observed_at, row_count, columns, drifted)
            VALUES (@pipeline, @dataset, @task_id, @run_id, @logical_date, @observed_at, @rows, @columns, @drifted)
            """,
            [Text("pipeline", observation.Pipeline), Text("dataset", observation.Dataset), Text("task_id", observation.TaskId), Id("run_id", observation.RunId),
             Date("logical_date", observation.LogicalDate), Time("observed_at", observation.ObservedAt), Id("rows", observation.Rows),
             Json("columns", new JsonArray(observation.Columns.Select(col => (JsonNode)new JsonObject { ["name"] = col.Name, ["type"] = col.Type, ["nulls"] = col.Nulls }).ToArray())),
             new("drifted", NpgsqlDbType.Boolean) { Value = observation.Drifted }],
            cancellationToken);

    public async Task<IReadOnlyList<ContractObservation>> RecentObservationsAsync(string pipeline, string dataset, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT * FROM {_schema}.contract_observations WHERE pipeline = @pipeline AND dataset = @dataset ORDER BY id DESC LIMIT @limit",
            [Text("pipeline", pipeline), Text("dataset", dataset), new("limit", NpgsqlDbType.Integer) { Value = limit }],
            ReadObservation,
            cancellationToken);

    private static NpgsqlParameter Json(string name, JsonArray value) => new(name, NpgsqlDbType.Jsonb) { Value = value.ToJsonString() };

    private static JsonArray Columns(NpgsqlDataReader r) => JsonNode.Parse(r.GetString(r.GetOrdinal("columns"))) as JsonArray ?? [];

    private static ContractVersion ReadVersion(NpgsqlDataReader r) => new()
    {
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        Dataset = r.GetString(r.GetOrdinal("dataset")),
        Version = r.GetInt32(r.GetOrdinal("version")),
        Columns = Columns(r).Select(col => new ColumnDefinition((string)col!["name"]!, (string)col["type"]!)).ToList(),
        Origin = r.GetString(r.GetOrdinal("origin")),
        CreatedAt = ReadTime(r, "created_at")!.Value,
        RunId = r.IsDBNull(r.GetOrdinal("run_id")) ? null : r.GetInt64(r.GetOrdinal("run_id")),
        LogicalDate = r.IsDBNull(r.GetOrdinal("logical_date")) ? null : r.GetFieldValue<DateOnly>(r.GetOrdinal("logical_date")),
        Change = ReadText(r, "change"),
    };

    private static ContractObservation ReadObservation(NpgsqlDataReader r) => new()
    {
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        Dataset = r.GetString(r.GetOrdinal("dataset")),
        TaskId = r.GetString(r.GetOrdinal("task_id")),
        RunId = r.GetInt64(r.GetOrdinal("run_id")),
        LogicalDate = r.GetFieldValue<DateOnly>(r.GetOrdinal("logical_date")),
        ObservedAt = ReadTime(r, "observed_at")!.Value,
        Rows = r.GetInt64(r.GetOrdinal("row_count")),
        Columns = Columns(r).Select(col => new ObservedColumn((string)col!["name"]!, (string)col["type"]!, (long)col["nulls"]!)).ToList(),
        Drifted = r.GetBoolean(r.GetOrdinal("drifted")),
    };
}
