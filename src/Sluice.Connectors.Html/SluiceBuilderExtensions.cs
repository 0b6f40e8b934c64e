using Sluice.Connectors.Http;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Html;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>source: html</c> (web pages) and the <c>http</c> connection type it shares with the HTTP source.</summary>
    public static ISluiceBuilder AddHtml(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        builder.Connectors.Add(new HtmlSource(settings ?? DuckDbSettings.Default)).Add(HttpConnection.Type);
        return builder;
    }
}
