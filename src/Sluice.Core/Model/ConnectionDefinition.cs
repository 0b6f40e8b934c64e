namespace Sluice.Model;

/// <summary>
/// A named connection (a database, an API, a bucket) declared once per project and referenced by
/// name from tasks. Options hold <c>${VAR}</c> references for secrets, never the secrets themselves.
/// </summary>
public sealed record ConnectionDefinition(string Name, string Type, MapOption Options, SourceLocation Location);
