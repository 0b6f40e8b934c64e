namespace Sluice.Connectors.Http.Paging;

/// <summary>Sets query parameters on a URL, replacing any of the same name and keeping the rest as written.</summary>
internal static class QueryString
{
    public static Uri With(Uri url, IEnumerable<KeyValuePair<string, string>> values)
    {
        var set = values.ToList();
        if (set.Count == 0)
        {
            return url;
        }

        var names = set.Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
        var kept = url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => !names.Contains(Uri.UnescapeDataString(pair.Split('=')[0])));
        var added = set.Select(v => $"{Uri.EscapeDataString(v.Key)}={Uri.EscapeDataString(v.Value)}");
        return new UriBuilder(url) { Query = string.Join('&', kept.Concat(added)) }.Uri;
    }

    public static Uri With(Uri url, string name, string value) => With(url, [new(name, value)]);
}
