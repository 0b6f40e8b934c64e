namespace Sluice.Connectors;

public enum OptionKind
{
    String,
    /// <summary>SQL text: template expressions become bound parameters, never pasted text.</summary>
    Sql,
    Integer,
    Number,
    Boolean,
    /// <summary>One of <see cref="OptionSpec.Choices"/>.</summary>
    Choice,
    StringList,
    /// <summary>A map of names to strings, for example column types.</summary>
    StringMap,
    Path,
    /// <summary>Any structure (lists of maps...), checked by the connector's own validation.</summary>
    Structure,
    /// <summary>The name of a connection of one of <see cref="OptionSpec.Choices"/> types.</summary>
    Connection,
}

/// <summary>Declares one option a connector accepts, so pipelines are checked before they run.</summary>
public sealed record OptionSpec(string Name, OptionKind Kind, string Description)
{
    public bool Required { get; init; }
    public string? Default { get; init; }
    public IReadOnlyList<string> Choices { get; init; } = [];
    /// <summary>Options that may also be given as a single string, promoted to a one-item list.</summary>
    public bool AllowsSingleValue { get; init; } = true;

    public static OptionSpec Text(string name, string description, bool required = false, string? @default = null) =>
        new(name, OptionKind.String, description) { Required = required, Default = @default };

    /// <summary>A reference to a named connection of one of the given types.</summary>
    public static OptionSpec ConnectionOf(string description, params string[] types) =>
        new("connection", OptionKind.Connection, description) { Required = true, Choices = types };

    public static OptionSpec OneOf(string name, string description, string @default, params string[] choices) =>
        new(name, OptionKind.Choice, description) { Default = @default, Choices = choices };
}
