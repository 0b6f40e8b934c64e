namespace Sluice.Model;

/// <summary>
/// The pipeline's <c>artifacts:</c> setting: where every published dataset is also stored, for runs on
/// several machines. With a connection (for example an <c>s3</c> one) a location inside it; without one,
/// a folder every machine mounts at the same path.
/// </summary>
public sealed record ArtifactStoreDefinition(string? Connection, string Location, SourceLocation SourceLocation);
