namespace Sluice.Model;

/// <summary>A named limit on how many tasks (of any pipeline) may run at once, for example against one warehouse.</summary>
public sealed record PoolDefinition(string Name, int Slots, SourceLocation Location);
