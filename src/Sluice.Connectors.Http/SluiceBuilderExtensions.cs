using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Http;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>source: http</c> (JSON APIs), <c>sensor: http</c> and the <c>http</c> connection type.</summary>
    public static ISluiceBuilder AddHttp(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        builder.Connectors.Add(new HttpSource(settings ?? DuckDbSettings.Default)).Add(new HttpSensor()).Add(HttpConnection.Type);
        return builder;
    }
}
