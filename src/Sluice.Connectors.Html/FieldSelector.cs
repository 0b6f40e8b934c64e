using AngleSharp.Dom;

namespace Sluice.Connectors.Html;

/// <summary>
/// One field of a repeated element: <c>span.price</c> (its text), <c>a.title @href</c> (an attribute
/// of a descendant), <c>@data-id</c> (an attribute of the row itself) or <c>.</c> (the row's text).
/// A trailing <c>?</c> (<c>em.sale ?</c>) marks a field that may be missing from every row.
/// URLs in href and src come back absolute, resolved against the page.
/// </summary>
internal sealed record FieldSelector(string Name, string? Css, string? Attribute, bool Optional = false)
{
    /// <summary>The selector as the user wrote it, without the optional marker, for messages.</summary>
    public string Text => (Css ?? ".") + (Attribute is null ? string.Empty : $" @{Attribute}");

    public static FieldSelector Parse(string name, string text)
    {
        text = text.Trim();
        var optional = text.EndsWith('?');
        if (optional)
        {
            text = text[..^1].Trim();
        }

        var at = text.LastIndexOf('@');
        // An '@' inside brackets belongs to an attribute selector such as a[href^='mailto:x@y'].
        if (at >= 0 && text.IndexOf(']', at) < 0)
        {
            var css = text[..at].Trim();
            return new FieldSelector(name, css is "" or "." ? null : css, text[(at + 1)..].Trim(), optional);
        }

        return new FieldSelector(name, text is "" or "." ? null : text, null, optional);
    }

    /// <summary>The field's value in <paramref name="row"/>; <paramref name="found"/> says whether the selector (and attribute) matched at all.</summary>
    public string? Read(IElement row, Uri page, out bool found)
    {
        var element = Css is null ? row : row.QuerySelector(Css);
        found = element is not null && (Attribute is null || element.HasAttribute(Attribute));
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
