using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.Parquet;

/// <summary>
/// <c>sink: parquet</c>, the data lake. Writes Hive-style partitions (<c>date=2024-03-01/</c>); a
/// re-run of an interval replaces exactly the partitions it writes, swapped in whole.
/// </summary>
public sealed class ParquetLakeSink(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "parquet";

    public TaskKind Kind => TaskKind.Sink;

    public string Description => "Writes a dataset as Parquet files into a lake folder, optionally partitioned Hive-style.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Text("path", "Lake folder of this dataset, relative to the pipeline file.", required: true),
        new("partition_by", OptionKind.StringList, "Columns to partition by, as folders column=value/."),
        OptionSpec.OneOf("mode", "replace_partitions swaps in the partitions written; replace swaps the whole folder; append adds files.", "replace_partitions", "replace_partitions", "replace", "append"),
        OptionSpec.OneOf("compression", "Parquet compression codec.", "zstd", "zstd", "snappy", "gzip", "uncompressed"),
    ];

    public IEnumerable<string> Validate(TaskDefinition task)
    {
        if (string.Equals((task.Options.Find("mode") as ScalarOption)?.Value, "replace_partitions", StringComparison.OrdinalIgnoreCase) && task.Options.Find("partition_by") is null)
        {
            yield return "mode 'replace_partitions' needs option 'partition_by'; use mode 'replace' for an unpartitioned dataset.";
        }
    }

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var root = context.ResolvePath(context.Options.GetRequiredString("path"));
        var partitions = context.Options.GetList("partition_by");
        var mode = context.Options.GetChoice("mode");
        Directory.CreateDirectory(root);
        if (PartitionSwap.RemoveLeftovers(root) is > 0 and var removed)
        {
            context.Log($"removed {removed} staging folder(s) that a killed or cancelled earlier write left beside {root}");
        }

        // Staging beside the dataset folder, not in it, so readers globbing the dataset never see partial files.
        var staging = PartitionSwap.SiblingPath(root, "staging");
        try
        {
            await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
            await session.BindDatasetAsync("sluice_input", context.InputPath(context.Task.Inputs[0]), cancellationToken);
            var rows = await WriteAsync(session, staging, partitions, context.Options.GetChoice("compression"), cancellationToken);
            if (rows == 0 && mode == "replace")
            {
                // replace_partitions and append with no rows touch no partition; replace would swap the whole folder for an empty one.
                var existing = await CountRowsAsync(session, root, cancellationToken);
                EmptyLoadGuard.Check(context, existing, $"remove {existing} row(s) of the lake folder {root}");
            }

            var swapped = new PartitionSwap(root, staging).Publish(mode, context.Interval.LogicalDate);
            context.Log($"wrote {rows} row(s) to {root} ({swapped} partition(s) {(mode == "append" ? "appended" : "replaced")})");
            return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [root] = rows } };
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static async Task<long> CountRowsAsync(DuckDbSession session, string root, CancellationToken cancellationToken) =>
        Directory.EnumerateFiles(root, "*.parquet", SearchOption.AllDirectories).Any()
            ? await session.ScalarAsync<long>("SELECT CAST(coalesce(sum(num_rows), 0) AS BIGINT) FROM parquet_file_metadata($files)", [new("files", Path.Combine(root, "**", "*.parquet"))], cancellationToken)
            : 0;

    private static async Task<long> WriteAsync(DuckDbSession session, string staging, IReadOnlyList<string> partitions, string compression, CancellationToken cancellationToken)
    {
        var codec = compression switch
        {
            "snappy" => "snappy",
            "gzip" => "gzip",
            "uncompressed" => "uncompressed",
            _ => "zstd",
        };
        if (partitions.Count == 0)
        {
            Directory.CreateDirectory(staging);
            return await session.ExecuteAsync(
                $"COPY (SELECT * FROM sluice_input) TO $out (FORMAT parquet, COMPRESSION {codec})",
                [new("out", Path.Combine(staging, "part-0.parquet"))],
                cancellationToken);
        }

        var columns = string.Join(", ", partitions.Select(SqlText.Identifier));
        return await session.ExecuteAsync(
            $"COPY (SELECT * FROM sluice_input) TO $out (FORMAT parquet, COMPRESSION {codec}, PARTITION_BY ({columns}), FILENAME_PATTERN 'part-{{i}}')",
            [new("out", staging)],
            cancellationToken);
    }
}
