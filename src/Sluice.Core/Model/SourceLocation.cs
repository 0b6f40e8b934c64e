namespace Sluice.Model;

/// <summary>Where a piece of a pipeline was defined, so every error can point at it.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public static SourceLocation Code(string where) => new(where, 0, 0);

    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}
