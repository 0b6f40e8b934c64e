using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Files;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>source: files</c> (CSV, JSON lines, JSON arrays, Parquet) and <c>sensor: file</c>.</summary>
    public static ISluiceBuilder AddFiles(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        builder.Connectors.Add(new FilesSource(settings ?? DuckDbSettings.Default)).Add(new FileSensor());
        return builder;
    }
}
