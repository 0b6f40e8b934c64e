using System.Text;
using System.Text.RegularExpressions;

namespace Sluice.Connectors.S3;

/// <summary>
/// A bucket and a key pattern: an exact key, a prefix ending in <c>/</c> (every object under it), or a
/// glob where <c>*</c> and <c>?</c> stay inside one path segment and <c>**</c> crosses them.
/// <paramref name="PrefixMatch"/> makes a pattern without wildcards match every key that starts with it.
/// </summary>
internal sealed record S3Location(string Bucket, string Pattern, bool PrefixMatch = false)
{
    private const string Scheme = "s3://";

    public static S3Location Parse(string url, string where)
    {
        if (!url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new NonRetryableException($"{where}: '{url}' is not an s3:// URL; write s3://bucket/path/file.csv, or give bucket and key.");
        }

        var rest = url[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Length == 0)
        {
            throw new NonRetryableException($"{where}: '{url}' names no bucket; write s3://bucket/path.");
        }

        return new S3Location(bucket, slash < 0 ? string.Empty : rest[(slash + 1)..]);
    }

    public string Url => UrlOf(Bucket, Pattern);

    public static string UrlOf(string bucket, string key) => $"{Scheme}{bucket}/{key}";

    public bool IsGlob => Pattern.IndexOfAny(['*', '?', '[']) >= 0;

    /// <summary>A pattern that ends in <c>/</c> (or is empty) means every object under that prefix.</summary>
    public bool IsPrefix => !IsGlob && (PrefixMatch || Pattern.Length == 0 || Pattern.EndsWith('/'));

    /// <summary>The literal start of the pattern: the listing asks only for keys beginning with it.</summary>
    public string ListPrefix => IsGlob ? Pattern[..Pattern.IndexOfAny(['*', '?', '['])] : Pattern;

    public bool Matches(string key)
    {
        if (key.EndsWith('/'))
        {
            return false; // a "folder" marker object, not data
        }

        return IsPrefix ? key.StartsWith(Pattern, StringComparison.Ordinal)
            : IsGlob ? GlobRegex(Pattern).IsMatch(key)
            : key == Pattern;
    }

    internal static Regex GlobRegex(string glob)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                // "**/" also matches no folder at all, so a/**/b.csv finds a/b.csv as shells do.
                var slash = i + 2 < glob.Length && glob[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else if (c == '[' && glob.IndexOf(']', i + 1) is var close && close > i + 1)
            {
                var set = glob[(i + 1)..close];
                regex.Append('[').Append(set[0] == '!' ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                i = close;
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }
}
