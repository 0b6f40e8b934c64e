namespace Sluice.Templating;

/// <summary>SQL text whose template expressions were replaced by placeholders, with the values to bind.</summary>
public sealed record SqlTemplate(string Sql, IReadOnlyList<SqlParameterValue> Parameters);

public sealed record SqlParameterValue(string Name, object? Value);
