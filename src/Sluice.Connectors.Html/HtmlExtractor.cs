using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Sluice.Connectors.Http.Client;

namespace Sluice.Connectors.Html;

/// <summary>
/// Rows of one page: the records of a table, or of repeated elements with their fields. It also
/// keeps what the contract checks need over all pages: how often each field's selector matched,
/// and it warns once when a table selector is ambiguous.
/// </summary>
internal sealed class HtmlExtractor(string? tableSelector, string? rowSelector, IReadOnlyList<FieldSelector> fields, string where, Action<string> log)
{
    private readonly Dictionary<string, long> _fieldMatches = fields.ToDictionary(f => f.Name, _ => 0L, StringComparer.Ordinal);
    private bool _warnedAmbiguousTable;
    private long _elementRows;

    public List<KeyValuePair<string, string?>[]> Rows(IDocument document, Uri page) =>
        tableSelector is not null ? TableRows(document, page) : ElementRows(document, page);

    /// <summary>
    /// Fails when a required field's selector matched in none of the rows of every page: the site
    /// changed its markup, and the column would silently be all NULL.
    /// </summary>
    public void ThrowIfAFieldNeverMatched(int pages)
    {
        if (_elementRows == 0)
        {
            return;
        }

        var dead = fields.Where(f => !f.Optional && _fieldMatches[f.Name] == 0).ToList();
        if (dead.Count == 0)
        {
            return;
        }

        var list = string.Join(", ", dead.Select(f => $"'{f.Name}' (selector '{f.Text}')"));
        var alive = fields.Where(f => _fieldMatches[f.Name] > 0).Select(f => f.Name).ToList();
        throw new BadDataException(
            $"{where}: field{(dead.Count == 1 ? string.Empty : "s")} {list} matched nothing in any of the {_elementRows} row(s) of '{rowSelector}' on {pages} page(s), so the column would be all NULL. "
            + $"Fields that matched: {(alive.Count == 0 ? "none" : string.Join(", ", alive))}. The page's markup may have changed: check the selector against the page's HTML. "
            + $"If the field may legitimately be absent from every row, end its selector with '?' (e.g. \"{dead[0].Text} ?\"). Nothing was written.");
    }

    private List<KeyValuePair<string, string?>[]> ElementRows(IDocument document, Uri page)
    {
        var rows = new List<KeyValuePair<string, string?>[]>();
        foreach (var row in document.QuerySelectorAll(rowSelector!))
        {
            _elementRows++;
            rows.Add(fields.Select(f =>
            {
                var value = f.Read(row, page, out var found);
                if (found)
                {
                    _fieldMatches[f.Name]++;
                }

                return new KeyValuePair<string, string?>(f.Name, value);
            }).ToArray());
        }

        return rows;
    }

    private List<KeyValuePair<string, string?>[]> TableRows(IDocument document, Uri page)
    {
        var matches = document.QuerySelectorAll(tableSelector!);
        var match = matches.FirstOrDefault()
            ?? throw new NonRetryableException($"{where}: table_selector '{tableSelector}' matches nothing on {SafeUrl.Describe(page)}. The page may have changed; check the selector against the page's HTML.");
        var table = match as IHtmlTableElement ?? match.QuerySelector("table") as IHtmlTableElement
            ?? throw new NonRetryableException($"{where}: table_selector '{tableSelector}' matches a <{match.LocalName}> on {SafeUrl.Describe(page)}, not a <table>. Use row_selector with fields for other elements.");

        // The header is the head's first row, else a first row made only of <th> cells, else the first row.
        var bodyRows = table.Bodies.SelectMany(b => b.Rows).ToList();
        var header = table.Head?.Rows.FirstOrDefault();
        if (header is null && bodyRows.Count > 0)
        {
            header = bodyRows[0];
            bodyRows.RemoveAt(0);
        }

        var names = Unique((header?.Cells.ToList() ?? []).Select((cell, i) => HtmlText.ColumnName(HtmlText.Of(cell), i)).ToList());
        if (matches.Length > 1 && !_warnedAmbiguousTable)
        {
            // Taking the first is what the user most likely meant, but a page that gains a table
            // above it would swap the data silently; say so once, with what was taken.
            _warnedAmbiguousTable = true;
            log($"warning: table_selector '{tableSelector}' matches {matches.Length} elements on {SafeUrl.Describe(page)}; the first ({Describe(match)}, columns: {string.Join(", ", names)}) is read and the others are ignored. Make the selector match one table (e.g. with its id) to silence this.");
        }

        return bodyRows
            .Where(row => row.Cells.Length > 0)
            .Select(row => Enumerable.Range(0, Math.Max(names.Count, row.Cells.Length))
                .Select(i => new KeyValuePair<string, string?>(i < names.Count ? names[i] : HtmlText.ColumnName(null, i), i < row.Cells.Length ? HtmlText.Of(row.Cells[i]) : null))
                .ToArray())
            .ToList();
    }

    private static string Describe(IElement element) =>
        $"<{element.LocalName}{(element.Id is { Length: > 0 } id ? $" id=\"{id}\"" : string.Empty)}{(element.ClassName is { Length: > 0 } css ? $" class=\"{css}\"" : string.Empty)}>";

    /// <summary>Repeated header texts get a numeric suffix (price, price_2), so every column has its own name.</summary>
    private static List<string> Unique(List<string> names)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var unique = new List<string>(names.Count);
        foreach (var name in names)
        {
            var count = seen.GetValueOrDefault(name) + 1;
            seen[name] = count;
            unique.Add(count == 1 ? name : $"{name}_{count}");
        }

        return unique;
    }
}
