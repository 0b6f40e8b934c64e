using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace Sluice.Connectors.Html;

/// <summary>An element's text as a reader sees it: whitespace runs collapsed, trimmed, empty as null.</summary>
internal static partial class HtmlText
{
    public static string? Of(IElement element)
    {
        var text = Whitespace().Replace(element.TextContent, " ").Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>A header cell's text as a column name: lower case, letters, digits and '_'.</summary>
    public static string ColumnName(string? text, int position)
    {
        var name = NotWord().Replace((text ?? string.Empty).ToLowerInvariant(), "_").Trim('_');
        return name.Length == 0 ? $"column_{position + 1}" : char.IsDigit(name[0]) ? "c_" + name : name;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"[^\p{L}\p{Nd}]+")]
    private static partial Regex NotWord();
}
