using Sluice.Model;

namespace Sluice.Connectors.S3;

/// <summary>
/// Where the source reads from: <c>url</c> (s3:// URLs), or <c>bucket</c> with <c>key</c> (keys or
/// globs) or <c>prefix</c> (optionally narrowed by <c>glob</c>). Keeps the unexpanded text too, so a
/// missing object can be reported with the template it came from.
/// </summary>
internal static class S3SourceLocations
{
    public static readonly string[] OwnOptions = ["connection", "url", "bucket", "key", "prefix", "glob", "list_page_size"];

    public static IEnumerable<string> Validate(TaskDefinition task)
    {
        bool Has(string name) => task.Options.Find(name) is not null;
        var ways = new[] { "url", "key", "prefix" }.Where(Has).ToList();
        if (ways.Count != 1)
        {
            yield return ways.Count == 0
                ? "say what to read: option 'url' (s3://bucket/path/*.csv), or 'bucket' with 'key' or 'prefix'."
                : $"options {string.Join(" and ", ways.Select(w => $"'{w}'"))} both say what to read; keep one.";
        }

        if (Has("url") && Has("bucket"))
        {
            yield return "option 'bucket' is part of 'url' (s3://bucket/...); remove one of them.";
        }

        if ((Has("key") || Has("prefix")) && !Has("bucket"))
        {
            yield return "options 'key' and 'prefix' need option 'bucket'.";
        }

        if (Has("glob") && !Has("prefix"))
        {
            yield return "option 'glob' narrows option 'prefix'; add 'prefix', or put the glob in 'key' or 'url'.";
        }
    }

    /// <summary>The locations to read, each with the text it was templated from.</summary>
    public static List<(S3Location Location, string Raw)> Resolve(TaskContext context)
    {
        var options = context.Options;
        var where = $"task '{context.Task.Id}'";
        if (options.Has("url"))
        {
            return options.GetList("url").Zip(RawList(context.Task, "url"))
                .Select(p => (S3Location.Parse(p.First, where), p.Second)).ToList();
        }

        var bucket = options.GetRequiredString("bucket");
        var rawBucket = RawScalar(context.Task, "bucket");
        if (options.Has("key"))
        {
            return options.GetList("key").Zip(RawList(context.Task, "key"))
                .Select(p => (new S3Location(bucket, p.First.TrimStart('/')), S3Location.UrlOf(rawBucket, p.Second))).ToList();
        }

        var prefix = options.GetRequiredString("prefix").TrimStart('/');
        var glob = options.GetString("glob");
        var raw = S3Location.UrlOf(rawBucket, RawScalar(context.Task, "prefix") + RawScalar(context.Task, "glob"));
        return [(glob is null ? new S3Location(bucket, prefix, PrefixMatch: true) : new S3Location(bucket, prefix + glob), raw)];
    }

    private static List<string> RawList(TaskDefinition task, string name) => task.Options.Find(name) switch
    {
        ListOption list => list.Items.OfType<ScalarOption>().Select(i => i.Value ?? string.Empty).ToList(),
        ScalarOption s => [s.Value ?? string.Empty],
        _ => [],
    };

    private static string RawScalar(TaskDefinition task, string name) => (task.Options.Find(name) as ScalarOption)?.Value ?? string.Empty;
}
