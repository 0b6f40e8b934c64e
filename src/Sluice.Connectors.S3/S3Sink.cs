using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.S3;

/// <summary>
/// <c>sink: s3</c>. Writes the input dataset with DuckDB into a private temporary folder (Parquet, CSV
/// or JSON lines, Hive-partitioned like the lake sink), uploads the files, and then removes the objects
/// the new ones replace. See <see cref="S3Publish"/> for what readers can see while that happens.
/// </summary>
public sealed class S3Sink(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "s3";

    public TaskKind Kind => TaskKind.Sink;

    public string Description => "Writes a dataset as Parquet, CSV or JSON lines objects to S3-compatible storage, optionally partitioned Hive-style.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.ConnectionOf("The s3 connection (endpoint, region, credentials) to write through.", S3Connection.TypeName),
        OptionSpec.Text("url", "Folder of this dataset as s3://bucket/prefix; templated."),
        OptionSpec.Text("bucket", "Bucket to write to, with 'prefix' (instead of 'url')."),
        OptionSpec.Text("prefix", "Key prefix (folder) of this dataset inside 'bucket'; templated."),
        OptionSpec.OneOf("format", "Object format.", "parquet", "parquet", "csv", "jsonl"),
        new("partition_by", OptionKind.StringList, "Columns to partition by, as key folders column=value/."),
        OptionSpec.OneOf("mode", "replace_partitions replaces the partitions written; replace replaces every object under the prefix; append adds objects.", "replace_partitions", "replace_partitions", "replace", "append"),
        OptionSpec.OneOf("compression", "Parquet compression codec.", "zstd", "zstd", "snappy", "gzip", "uncompressed"),
        new("part_size_mb", OptionKind.Integer, "Files larger than this many MiB go up as a multipart upload in parts of this size (at least 5, S3's minimum).") { Default = "8" },
    ];

    public IEnumerable<string> Validate(TaskDefinition task)
    {
        string? Scalar(string name) => (task.Options.Find(name) as ScalarOption)?.Value;
        var hasUrl = task.Options.Find("url") is not null;
        if (hasUrl == (task.Options.Find("bucket") is not null))
        {
            yield return "say where to write: option 'url' (s3://bucket/prefix), or 'bucket' with 'prefix'; not both.";
        }

        if ((Scalar("mode") ?? "replace_partitions") == "replace_partitions" && task.Options.Find("partition_by") is null)
        {
            yield return "mode 'replace_partitions' needs option 'partition_by'; use mode 'replace' for an unpartitioned dataset.";
        }

        if (Scalar("part_size_mb") is { } size && int.TryParse(size, out var mb) && mb < 5)
        {
            yield return $"option 'part_size_mb' must be at least 5 (got {mb}): S3 refuses smaller multipart parts.";
        }

        if (Scalar("compression") is not null && Scalar("format") is "csv" or "jsonl")
        {
            yield return "option 'compression' applies to format parquet only.";
        }
    }

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var target = Target(context);
        var options = context.Options;
        var mode = options.GetChoice("mode");
        if (mode == "replace" && target.Pattern.Length == 0)
        {
            throw new NonRetryableException($"task '{context.Task.Id}': mode 'replace' deletes every other object under the prefix; give a prefix (s3://{target.Bucket}/some/folder), not the whole bucket.");
        }

        var folder = Path.Combine(Path.GetTempPath(), "sluice-s3", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var format = options.GetChoice("format");
            long rows;
            await using (var session = await DuckDbSession.OpenAsync(settings, cancellationToken))
            {
                await session.BindDatasetAsync("sluice_input", context.InputPath(context.Task.Inputs[0]), cancellationToken);
                rows = await WriteAsync(session, folder, format, options.GetList("partition_by"), options.GetChoice("compression"), cancellationToken);
            }

            using var endpoint = S3Endpoint.Open(context);
            if (rows == 0 && mode == "replace")
            {
                // An empty replace would delete every object under the prefix; replace_partitions and append touch none.
                var prefix = target.Pattern.TrimEnd('/');
                var existing = await S3Listing.ListAsync(endpoint, target.Bucket, prefix.Length == 0 ? prefix : prefix + "/", S3Listing.MaxPageSize, cancellationToken);
                EmptyLoadGuard.Check(context, existing.Count, $"replace the {existing.Count} object(s) under {target.Url} with one empty file");
            }

            var publish = new S3Publish(endpoint, target.Bucket, target.Pattern.TrimEnd('/'), options.GetInt("part_size_mb") * S3Transfer.MiB, context.Log);
            var (written, removed) = await publish.RunAsync(folder, mode, context.Interval.LogicalDate, cancellationToken);
            context.Log($"wrote {rows} row(s) as {written} object(s) under {target.Url}; removed {removed} replaced object(s)");
            return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [target.Url] = rows } };
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static S3Location Target(TaskContext context) =>
        context.Options.Has("url")
            ? S3Location.Parse(context.Options.GetRequiredString("url"), $"task '{context.Task.Id}'")
            : new S3Location(context.Options.GetRequiredString("bucket"), (context.Options.GetString("prefix") ?? string.Empty).Trim('/'));

    private static async Task<long> WriteAsync(DuckDbSession session, string folder, string format, IReadOnlyList<string> partitions, string compression, CancellationToken cancellationToken)
    {
        var codec = compression switch { "snappy" => "snappy", "gzip" => "gzip", "uncompressed" => "uncompressed", _ => "zstd" };
        var copy = format switch
        {
            "csv" => "FORMAT csv, HEADER true",
            // DuckDB writes JSON as one object per line unless ARRAY is set.
            "jsonl" => "FORMAT json",
            _ => $"FORMAT parquet, COMPRESSION {codec}",
        };
        if (partitions.Count == 0)
        {
            return await session.ExecuteAsync($"COPY (SELECT * FROM sluice_input) TO $out ({copy})", [new("out", Path.Combine(folder, $"part-0.{format}"))], cancellationToken);
        }

        // DuckDB cannot partition a JSON COPY: partition as Parquet (its Hive folder names), then convert each file.
        var partitioned = format == "jsonl" ? $"FORMAT parquet, COMPRESSION {codec}" : copy;
        var columns = string.Join(", ", partitions.Select(SqlText.Identifier));
        var rows = await session.ExecuteAsync(
            $"COPY (SELECT * FROM sluice_input) TO $out ({partitioned}, PARTITION_BY ({columns}), FILENAME_PATTERN 'part-{{i}}', FILE_EXTENSION '{(format == "jsonl" ? "parquet" : format)}')",
            [new("out", folder)],
            cancellationToken);
        if (format == "jsonl")
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).ToList())
            {
                await session.ExecuteAsync($"COPY (SELECT * FROM read_parquet($in)) TO $out ({copy})", [new("in", file), new("out", Path.ChangeExtension(file, ".jsonl"))], cancellationToken);
                File.Delete(file);
            }
        }

        return rows;
    }
}
