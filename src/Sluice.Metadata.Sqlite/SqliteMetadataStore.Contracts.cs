using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Sluice.Contracts;
using Sluice.Model;

namespace Sluice.Metadata.Sqlite;

/// <summary>Dataset contracts: schema versions and observations, beside run history in the same file.</summary>
public sealed partial class SqliteMetadataStore : IContractStore
{
    public async Task<ContractVersion?> CurrentContractAsync(string pipeline, string dataset, CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT * FROM contract_versions WHERE pipeline = $pipeline AND dataset = $dataset ORDER BY version DESC LIMIT 1",
            [("pipeline", pipeline), ("dataset", dataset)],
            ReadVersion,
            cancellationToken)).FirstOrDefault();

    public async Task<IReadOnlyList<ContractVersion>> ContractVersionsAsync(string pipeline, string? dataset, CancellationToken cancellationToken) =>
        await QueryAsync(
            "SELECT * FROM contract_versions WHERE pipeline = $pipeline AND ($dataset IS NULL OR dataset = $dataset) ORDER BY dataset, version",
            [("pipeline", pipeline), ("dataset", dataset)],
            ReadVersion,
            cancellationToken);

    public Task<ContractVersion?> AddContractVersionAsync(ContractVersion version, int expectedCurrent, CancellationToken cancellationToken) =>
        InTransactionAsync<ContractVersion?>(
            async transaction =>
            {
                var current = Convert.ToInt32(
                    await ScalarInAsync(
                        transaction,
                        "SELECT coalesce(max(version), 0) FROM contract_versions WHERE pipeline = $pipeline AND dataset = $dataset",
                        [("pipeline", version.Pipeline), ("dataset", version.Dataset)],
                        cancellationToken),
                    CultureInfo.InvariantCulture);
                if (current != expectedCurrent)
                {
                    return null;
                }

                var stored = version with { Version = current + 1 };
                await ScalarInAsync(
                    transaction,
                    """
                    INSERT INTO contract_versions (pipeline, dataset, version, columns, origin, created_at, run_id, logical_date, change)
                    VALUES ($pipeline, $dataset, $version, $columns, $origin, $created_at, $run_id, $logical_date, $change)
                    """,
                    [("pipeline", stored.Pipeline), ("dataset", stored.Dataset), ("version", stored.Version), ("columns", ColumnsJson(stored.Columns)),
                     ("origin", stored.Origin), ("created_at", Time(stored.CreatedAt)), ("run_id", stored.RunId),
                     ("logical_date", stored.LogicalDate is { } d ? Date(d) : null), ("change", stored.Change)],
                    cancellationToken);
                return stored;
            },
            cancellationToken);

    public Task RecordObservationAsync(ContractObservation observation, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            INSERT INTO contract_observations (pipeline, dataset, task_id, run_id, logical_date, observed_at, row_count, columns, drifted)
            VALUES ($pipeline, $dataset, $task_id, $run_id, $logical_date, $observed_at, $rows, $columns, $drifted)
            """,
            [("pipeline", observation.Pipeline), ("dataset", observation.Dataset), ("task_id", observation.TaskId), ("run_id", observation.RunId),
             ("logical_date", Date(observation.LogicalDate)), ("observed_at", Time(observation.ObservedAt)), ("rows", observation.Rows),
             ("columns", ObservedJson(observation.Columns)), ("drifted", observation.Drifted ? 1 : 0)],
            cancellationToken);

    public async Task<IReadOnlyList<ContractObservation>> RecentObservationsAsync(string pipeline, string dataset, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(
            "SELECT * FROM contract_observations WHERE pipeline = $pipeline AND dataset = $dataset ORDER BY id DESC LIMIT $limit",
            [("pipeline", pipeline), ("dataset", dataset), ("limit", limit)],
            ReadObservation,
            cancellationToken);

    private static string ColumnsJson(IEnumerable<ColumnDefinition> columns) =>
        new JsonArray(columns.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = c.Type }).ToArray()).ToJsonString();

    private static string ObservedJson(IEnumerable<ObservedColumn> columns) =>
        new JsonArray(columns.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["nulls"] = c.Nulls }).ToArray()).ToJsonString();

    private static JsonArray Array(SqliteDataReader r, string column) => JsonNode.Parse(r.GetString(r.GetOrdinal(column))) as JsonArray ?? [];

    private static ContractVersion ReadVersion(SqliteDataReader r) => new()
    {
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        Dataset = r.GetString(r.GetOrdinal("dataset")),
        Version = r.GetInt32(r.GetOrdinal("version")),
        Columns = Array(r, "columns").Select(c => new ColumnDefinition((string)c!["name"]!, (string)c["type"]!)).ToList(),
        Origin = r.GetString(r.GetOrdinal("origin")),
        CreatedAt = ParseTime(r, "created_at")!.Value,
        RunId = r.IsDBNull(r.GetOrdinal("run_id")) ? null : r.GetInt64(r.GetOrdinal("run_id")),
        LogicalDate = Text(r, "logical_date") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        Change = Text(r, "change"),
    };

    private static ContractObservation ReadObservation(SqliteDataReader r) => new()
    {
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        Dataset = r.GetString(r.GetOrdinal("dataset")),
        TaskId = r.GetString(r.GetOrdinal("task_id")),
        RunId = r.GetInt64(r.GetOrdinal("run_id")),
        LogicalDate = DateOnly.ParseExact(r.GetString(r.GetOrdinal("logical_date")), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        ObservedAt = ParseTime(r, "observed_at")!.Value,
        Rows = r.GetInt64(r.GetOrdinal("row_count")),
        Columns = Array(r, "columns").Select(c => new ObservedColumn((string)c!["name"]!, (string)c["type"]!, (long)c["nulls"]!)).ToList(),
        Drifted = r.GetInt64(r.GetOrdinal("drifted")) != 0,
    };
}
