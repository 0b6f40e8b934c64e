namespace Sluice.Connectors;

/// <summary>A kind of connection (postgres, http, s3...) and the options it takes.</summary>
public sealed record ConnectionType(string Name, string Description, IReadOnlyList<OptionSpec> Options);
