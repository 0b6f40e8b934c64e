using AngleSharp.Dom;

namespace Sluice.Connectors.Html;

/// <summary>
/// One field of a repeated element: <c>span.price</c> (its text), <c>a.title @href</c> (an attribute
/// of a descendant), <c>@data-id</c> (an attribute of the row itself) or <c>.</c> (the row's text).
/// URLs in href and src come back absolute, resolved against the page.
/// </summary>
internal sealed record FieldSelector(string Name, string? Css, string? Attribute)
{
    public static FieldSelector Parse(string name, string text)
    {
        text = text.Trim();
        var at = text.LastIndexOf('@');
        // An '@' inside brackets belongs to an attribute selector such as a[href^='mailto:x@y'].
        if (at >= 0 && text.IndexOf(']', at) < 0)
        {
            var css = text[..at].Trim();
            return new FieldSelector(name, css is "" or "." ? null : css, text[(at + 1)..].Trim());
        }

        return new FieldSelector(name, text is "" or "." ? null : text, null);
    }

    public string? Read(IElement row, Uri page)
    {
        var element = Css is null ? row : row.QuerySelector(Css);
        if (element is null)
        {
            return null;
        }

        if (Attribute is null)
        {
            return HtmlText.Of(element);
        }

        var value = element.GetAttribute(Attribute);
        if (value is not null && Attribute is "href" or "src" && Uri.TryCreate(page, value, out var absolute))
        {
            return absolute.ToString();
        }

        return value;
    }
}
