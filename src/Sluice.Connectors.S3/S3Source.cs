using Sluice.Connectors.Files;
using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.S3;

/// <summary>
/// <c>source: s3</c>. Lists the objects a URL, key, prefix or glob names (page by page), streams them
/// into a private temporary folder, and reads them there with the files source, so formats, CSV
/// dialects, declared columns and quarantine behave exactly as for local files. The folder is deleted
/// when the task ends; <c>filename_column</c> and error messages name the s3:// objects, not the copies.
/// </summary>
public sealed class S3Source(DuckDbSettings? settings = null) : IConnector
{
    /// <summary>Objects downloaded at once: enough to hide latency, few enough to stay polite to the server.</summary>
    private const int ParallelDownloads = 4;

    private readonly FilesSource _files = new(settings);

    public string Name => "s3";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Reads CSV, JSON lines, JSON arrays or Parquet objects from S3-compatible storage by key, prefix or glob.";

    public IReadOnlyList<OptionSpec> Options => field ??=
    [
        OptionSpec.ConnectionOf("The s3 connection (endpoint, region, credentials) to read through.", S3Connection.TypeName),
        new("url", OptionKind.StringList, "s3://bucket/key, s3://bucket/prefix/ (every object under it) or a glob (*, **, ?, [..]); templated, e.g. s3://raw/orders_{{ ds }}*.csv. A list reads several."),
        OptionSpec.Text("bucket", "Bucket to read from, with 'key' or 'prefix' (instead of 'url')."),
        new("key", OptionKind.StringList, "Object key or key glob inside 'bucket'; templated. A list reads several."),
        OptionSpec.Text("prefix", "Read every object whose key starts with this (inside 'bucket'); templated."),
        OptionSpec.Text("glob", "With 'prefix': only keys matching prefix + this glob, e.g. '*.csv'."),
        new("list_page_size", OptionKind.Integer, "Keys per listing request (1-1000); listing follows continuation tokens across pages.") { Default = "1000" },
        .. _files.Options.Where(o => o.Name != "path").Select(o => o.Name == "filename_column" ? o with { Description = "Adds a column holding each row's source object as an s3:// URL." } : o),
    ];

    public IEnumerable<string> Validate(TaskDefinition task) =>
        S3SourceLocations.Validate(task).Concat(_files.Validate(task));

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        using var endpoint = S3Endpoint.Open(context);
        var locations = S3SourceLocations.Resolve(context);
        var pageSize = context.Options.GetInt("list_page_size");
        var objects = new List<(string Bucket, S3ObjectInfo Object)>();
        var seen = new HashSet<(string, string)>();
        foreach (var (location, _) in locations)
        {
            // Overlapping URLs (a glob and a key it also matches) read each object once.
            var found = await S3Listing.MatchAsync(endpoint, location, pageSize, cancellationToken);
            objects.AddRange(found.Where(o => seen.Add((location.Bucket, o.Key))).Select(o => (location.Bucket, o)));
        }

        var folder = Path.Combine(Path.GetTempPath(), "sluice-s3", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            if (objects.Count == 0 && !(context.Options.GetBool("allow_missing") && HasDeclaredColumns(context)))
            {
                throw new SluiceException(MissingMessage(context, endpoint, locations));
            }

            var map = new LocalCopies(folder);
            foreach (var (bucket, o) in objects)
            {
                map.Add(bucket, o.Key);
            }

            var transfer = new S3Transfer(endpoint);
            await Parallel.ForEachAsync(
                map.All,
                new ParallelOptions { MaxDegreeOfParallelism = ParallelDownloads, CancellationToken = cancellationToken },
                async (copy, token) =>
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(copy.LocalPath)!);
                    await transfer.DownloadAsync(copy.Bucket, copy.Key, copy.LocalPath, token);
                });
            if (objects.Count > 0)
            {
                var bytes = objects.Sum(o => o.Object.Size);
                context.Log($"downloaded {objects.Count} object(s), {Size(bytes)}: {string.Join(", ", map.All.Take(3).Select(c => c.Url))}{(objects.Count > 3 ? ", ..." : string.Empty)}");
            }

            var filesContext = FilesContext(context, map, locations[0].Location);
            var outcome = await map.RunAsync(() => _files.ExecuteAsync(filesContext, cancellationToken));
            await map.RewriteUrlsAsync(context, settings, cancellationToken);
            return outcome;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The same task, seen by the files source as local files: every option but the S3 ones, and the copies as 'path'.</summary>
    private TaskContext FilesContext(TaskContext context, LocalCopies map, S3Location first)
    {
        var location = context.Task.Options.Location;
        var entries = context.Task.Options.Entries.Where(e => !S3SourceLocations.OwnOptions.Contains(e.Key)).ToList();
        // No object with allow_missing: a pattern that matches nothing lets the files source write its empty dataset.
        IReadOnlyList<OptionValue> paths = map.All.Count == 0
            ? [new ScalarOption(map.Nothing(first), location)]
            : map.All.Select(c => (OptionValue)new ScalarOption(c.LocalPath, location)).ToList();
        entries.Add(new("path", new ListOption(paths, location)));
        var options = new MapOption(entries, location);
        return new TaskContext
        {
            Pipeline = context.Pipeline,
            Task = context.Task with { Options = options },
            Interval = context.Interval,
            Templates = context.Templates,
            Artifacts = context.Artifacts,
            Options = new ConnectorOptions(options, _files.Options, context.Templates),
            Log = message => context.Log(map.ToUrls(message)),
            TryNumber = context.TryNumber,
            Catalog = context.Catalog,
        };
    }

    private static string Size(long bytes) =>
        bytes < S3Transfer.MiB ? $"{bytes} bytes" : $"{bytes / (double)S3Transfer.MiB:0.#} MiB";

    private static bool HasDeclaredColumns(TaskContext context) =>
        context.Options.GetMap("columns").Count > 0 || context.Pipeline.FindDataset(context.Task.Outputs[0]) is { Columns.Count: > 0 };

    private static string MissingMessage(TaskContext context, S3Endpoint endpoint, List<(S3Location Location, string Raw)> locations)
    {
        var urls = string.Join(", ", locations.Select(l => l.Location.Url));
        var raw = locations.Where(l => l.Raw.Contains("{{", StringComparison.Ordinal)).Select(l => l.Raw).ToList();
        var origin = raw.Count > 0 ? $" (templated from '{string.Join("', '", raw)}' for logical date {context.Interval.LogicalDate:yyyy-MM-dd})" : string.Empty;
        return $"task '{context.Task.Id}': no object matches {urls}{origin} at {endpoint.Display}. Check that the object for this date exists, or run another --date.";
    }
}
