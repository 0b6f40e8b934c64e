namespace Sluice.Model;

/// <summary>
/// The pipeline's <c>artifacts:</c> setting: a connection (for example an <c>s3</c> one) and a
/// location inside it where every published dataset is also stored, for runs on several machines.
/// </summary>
public sealed record ArtifactStoreDefinition(string Connection, string Location, SourceLocation SourceLocation);
