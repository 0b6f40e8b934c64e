using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Sluice.Connectors.Http.Client;

namespace Sluice.Connectors.Html;

/// <summary>Rows of one page: the records of a table, or of repeated elements with their fields.</summary>
internal sealed class HtmlExtractor(string? tableSelector, string? rowSelector, IReadOnlyList<FieldSelector> fields, string where)
{
    public List<KeyValuePair<string, string?>[]> Rows(IDocument document, Uri page) =>
        tableSelector is not null ? TableRows(document, page) : ElementRows(document, page);

    private List<KeyValuePair<string, string?>[]> ElementRows(IDocument document, Uri page) =>
        document.QuerySelectorAll(rowSelector!)
            .Select(row => fields.Select(f => new KeyValuePair<string, string?>(f.Name, f.Read(row, page))).ToArray())
            .ToList();

    private List<KeyValuePair<string, string?>[]> TableRows(IDocument document, Uri page)
    {
        var match = document.QuerySelector(tableSelector!)
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
        return bodyRows
            .Where(row => row.Cells.Length > 0)
            .Select(row => Enumerable.Range(0, Math.Max(names.Count, row.Cells.Length))
                .Select(i => new KeyValuePair<string, string?>(i < names.Count ? names[i] : HtmlText.ColumnName(null, i), i < row.Cells.Length ? HtmlText.Of(row.Cells[i]) : null))
                .ToArray())
            .ToList();
    }

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
