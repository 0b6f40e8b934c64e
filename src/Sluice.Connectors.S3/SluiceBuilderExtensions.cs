using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.S3;

public static class SluiceBuilderExtensions
{
    /// <summary>Registers <c>source: s3</c>, <c>sink: s3</c>, <c>sensor: s3</c>, the <c>s3</c> connection type and S3 as a shared artifact store.</summary>
    public static ISluiceBuilder AddS3(this ISluiceBuilder builder, DuckDbSettings? settings = null)
    {
        settings ??= DuckDbSettings.Default;
        builder.Connectors.Add(new S3Source(settings)).Add(new S3Sink(settings)).Add(new S3Sensor()).Add(S3Connection.Type).Add(new S3ArtifactStoreProvider());
        return builder;
    }
}
