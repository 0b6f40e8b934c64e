using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Http.Records;

/// <summary>
/// Turns DuckDB's "JSON transform error in file /tmp/.../records-1234.jsonl, in line 4" into what the
/// user knows: the page the row came from, its place on that page and in the interval, the column
/// and the value that did not convert. The staging file is an implementation detail and is never named.
/// </summary>
internal static partial class StagedRowError
{
    /// <summary>Where each page's rows start in the staging file (1-based line of its first row), with its URL.</summary>
    internal readonly record struct PageStart(long FirstLine, string Page);

    public static async Task<string> DescribeAsync(string duckDbMessage, string stagingFile, IReadOnlyList<PageStart> pages, string unit, IReadOnlyList<KeyValuePair<string, string>> columns, DuckDbSession session, CancellationToken cancellationToken)
    {
        var reason = FileName().Replace(DuckDbErrors.FirstLine(duckDbMessage), string.Empty);
        if (LineNumber().Match(duckDbMessage) is not { Success: true } match || !long.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var line))
        {
            return $"the {unit}s do not fit the {(columns.Count == 0 ? "inferred" : "declared")} columns: {reason}";
        }

        var page = pages.LastOrDefault(p => p.FirstLine <= line);
        var place = page.Page is null ? $"{unit} {line}" : $"{unit} {line - page.FirstLine + 1} of page {page.Page} ({unit} {line} of the interval)";
        var culprit = await FindColumnAsync(await ReadLineAsync(stagingFile, line, cancellationToken), columns, session, cancellationToken);
        return culprit is { } c
            ? $"{place}: column '{c.Name}' has {JsonSerializer.Serialize(c.Value)}, which does not convert to {c.Type}. Declare the column VARCHAR and clean it in a transform step, or correct it at the source."
            : $"{place} does not fit the declared columns: {LineNumber().Replace(reason, string.Empty).Trim().TrimEnd(':', ',')}";
    }

    /// <summary>The first declared column whose value in the row does not cast to its type.</summary>
    private static async Task<(string Name, string Value, string Type)?> FindColumnAsync(string? row, IReadOnlyList<KeyValuePair<string, string>> columns, DuckDbSession session, CancellationToken cancellationToken)
    {
        if (row is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(row);
        foreach (var (name, type) in columns)
        {
            if (!document.RootElement.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Object or JsonValueKind.Array)
            {
                continue;
            }

            var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            // The type is checked against a strict pattern before the reader ever runs, so it can be pasted.
            var fits = await session.ScalarAsync<bool>($"SELECT TRY_CAST($v AS {type}) IS NOT NULL", [new("v", text)], cancellationToken);
            if (!fits)
            {
                return (name, text, type);
            }
        }

        return null;
    }

    private static async Task<string?> ReadLineAsync(string path, long number, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path);
        for (long i = 1; await reader.ReadLineAsync(cancellationToken) is { } text; i++)
        {
            if (i == number)
            {
                return text;
            }
        }

        return null;
    }

    [GeneratedRegex(@"\s*in file ""[^""]*"",?")]
    private static partial Regex FileName();

    [GeneratedRegex(@"in line (\d+):?")]
    private static partial Regex LineNumber();
}
