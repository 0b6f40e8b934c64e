using System.Globalization;
using System.Text.Json;
using Sluice.Connectors.Http.Client;

namespace Sluice.Connectors.Http.Records;

/// <summary>Finds values in a JSON response by a dotted path (<c>data.items</c>, <c>$.meta.next</c>, <c>$</c>, <c>items.0</c>).</summary>
internal static class JsonRecords
{
    public static JsonDocument Parse(HttpPage page, string where)
    {
        try
        {
            return JsonDocument.Parse(page.Body, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException)
        {
            var type = page.MediaType is null ? string.Empty : $" ({page.MediaType})";
            throw new NonRetryableException($"{where}: {SafeUrl.Describe(page.Url)} answered {page.StatusText} with a body that is not JSON{type}. Body: {SafeUrl.Excerpt(page.Body)}. Check the url; for web pages use source: html.");
        }
    }

    /// <summary>The records at <paramref name="path"/>, failing with the URL, status and body when they are not there.</summary>
    public static JsonElement Records(JsonDocument document, string path, HttpPage page, string where)
    {
        if (!TryFind(document.RootElement, path, out var records))
        {
            throw new NonRetryableException($"{where}: the JSON from {SafeUrl.Describe(page.Url)} ({page.StatusText}) has no '{path}'{Keys(document.RootElement)}. Set records_path to where the records are (e.g. data.items, or $ for a top-level array). Body: {SafeUrl.Excerpt(page.Body)}");
        }

        if (records.ValueKind is JsonValueKind.Array or JsonValueKind.Object or JsonValueKind.Null)
        {
            return records;
        }

        throw new NonRetryableException($"{where}: '{path}' in the JSON from {SafeUrl.Describe(page.Url)} is a {records.ValueKind.ToString().ToLowerInvariant()}, not a list of records. Body: {SafeUrl.Excerpt(page.Body)}");
    }

    public static bool TryFind(JsonElement root, string path, out JsonElement value)
    {
        value = root;
        foreach (var segment in Segments(path))
        {
            if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(segment, out var child))
            {
                value = child;
            }
            else if (value.ValueKind == JsonValueKind.Array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < value.GetArrayLength())
            {
                value = value[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A scalar at a path as text (cursors, next links, totals); null when absent, null or empty.</summary>
    public static string? Text(JsonElement root, string? path)
    {
        if (path is null || !TryFind(root, path, out var value))
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrEmpty(text) ? null : text;
    }

    public static long? Number(JsonElement root, string? path) =>
        long.TryParse(Text(root, path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static IEnumerable<string> Segments(string path)
    {
        var trimmed = path.Trim();
        trimmed = trimmed == "$" ? string.Empty : trimmed.StartsWith("$.", StringComparison.Ordinal) ? trimmed[2..] : trimmed;
        return trimmed.Split('.', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Keys(JsonElement root) => root.ValueKind == JsonValueKind.Object
        ? $" (its top-level keys: {string.Join(", ", root.EnumerateObject().Take(12).Select(p => p.Name))})"
        : root.ValueKind == JsonValueKind.Array ? " (it is a top-level array: use records_path: $)" : string.Empty;
}
