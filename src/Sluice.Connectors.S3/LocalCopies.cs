using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.S3;

/// <summary>One downloaded object: where it came from and where its local copy is.</summary>
internal sealed record LocalCopy(string Bucket, string Key, string LocalPath)
{
    public string Url => S3Location.UrlOf(Bucket, Key);
}

/// <summary>
/// The local copies of a task's objects. Each copy keeps its key's folders and name (so Hive folders
/// like <c>date=2024-03-01/</c> still become columns, and extensions still tell the format) under a
/// numbered folder of its own, with glob characters and <c>..</c> segments made harmless: a key is
/// data, and must not reach outside the folder or be read by DuckDB as a pattern. Afterwards, every
/// trace of a local path is turned back into the object's s3:// URL.
/// </summary>
internal sealed partial class LocalCopies(string folder)
{
    private readonly List<LocalCopy> _copies = [];
    private readonly List<(string Local, string Url)> _names = [];

    public IReadOnlyList<LocalCopy> All => _copies;

    public void Add(string bucket, string key)
    {
        var relative = Path.Combine(key.Split('/').Select(Segment).ToArray());
        var copy = new LocalCopy(bucket, key, Path.Combine(folder, _copies.Count.ToString("D6", CultureInfo.InvariantCulture), relative));
        _copies.Add(copy);
        _names.Add((copy.LocalPath, copy.Url));
    }

    private static string Segment(string segment)
    {
        segment = Unsafe().Replace(segment, "_");
        segment = segment is "" or "." or ".." ? "_" : segment;
        // File systems limit a name to 255 bytes; keep the end, where the extension is.
        return segment.Length > 150 ? segment[^150..] : segment;
    }

    /// <summary>
    /// A local path that matches no file, with the location's extension so the format is still told
    /// from it: the files source then writes its empty dataset (allow_missing) or says nothing matched.
    /// </summary>
    public string Nothing(S3Location location)
    {
        var path = Path.Combine(folder, "nothing" + Extension(location.Pattern.Replace("*", string.Empty, StringComparison.Ordinal)));
        _names.Add((path, location.Url));
        return path;
    }

    /// <summary>Everything from the name's first dot (.csv, .csv.gz), without characters a glob would read.</summary>
    private static string Extension(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? string.Empty : Unsafe().Replace(name[dot..], string.Empty);
    }

    /// <summary>Runs the files source; its errors name local copies, so they are reworded to name the objects.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (BadDataException e)
        {
            throw new BadDataException(ToUrls(e.Message));
        }
        catch (NonRetryableException e)
        {
            throw new NonRetryableException(ToUrls(e.Message));
        }
        catch (SluiceException e)
        {
            throw new SluiceException(ToUrls(e.Message), e);
        }
    }

    public string ToUrls(string text)
    {
        foreach (var (local, url) in _names)
        {
            text = text.Replace(local, url, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Replaces local paths by s3:// URLs in the filename column of the output and in the quarantine's source_file.</summary>
    public async Task RewriteUrlsAsync(TaskContext context, DuckDbSettings? settings, CancellationToken cancellationToken)
    {
        if (_copies.Count == 0)
        {
            return;
        }

        if (context.Options.GetString("filename_column") is { } column)
        {
            await RewriteAsync(context.OutputPath(context.Task.Outputs[0]), column, settings, cancellationToken);
        }

        if (context.Task.EffectiveQuarantineOutput is { } quarantine)
        {
            await RewriteAsync(context.OutputPath(quarantine), "source_file", settings, cancellationToken);
        }
    }

    private async Task RewriteAsync(string parquet, string column, DuckDbSettings? settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(parquet))
        {
            return;
        }

        var rewritten = parquet + ".s3-urls";
        await using (var session = await DuckDbSession.OpenAsync(settings, cancellationToken))
        {
            // Declared columns may leave the filename column out, as they do for local files.
            var columns = await session.DescribeAsync("SELECT * FROM read_parquet($input)", [new("input", parquet)], cancellationToken);
            if (!columns.Any(c => c.Name == column))
            {
                return;
            }

            var name = SqlText.Identifier(column);
            var query = $"SELECT * REPLACE (coalesce(($urls)[list_position($locals, {name})], {name}) AS {name}) FROM read_parquet($input)";
            await session.CopyToParquetAsync(
                query,
                [new("urls", _copies.Select(c => c.Url).ToArray()), new("locals", _copies.Select(c => c.LocalPath).ToArray()), new("input", parquet)],
                rewritten,
                cancellationToken);
        }

        File.Move(rewritten, parquet, overwrite: true);
    }

    /// <summary>Glob syntax of DuckDB and shells, backslashes and control characters.</summary>
    [GeneratedRegex(@"[*?\[\]{}\\\p{Cc}]")]
    private static partial Regex Unsafe();
}
