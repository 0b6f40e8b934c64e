namespace Sluice.Contracts;

/// <summary>
/// A field present in the data that a missing column may have become: where it sits, whether its
/// values fit the missing column's type (null when nothing can be said), and a few of its values
/// as they should be shown.
/// </summary>
public sealed record RenameCandidate(string Name, int Position, bool? FitsType, IReadOnlyList<string> Samples);

/// <summary>A probable rename: the missing column, the field it looks renamed to, and the reasons, readable.</summary>
public sealed record RenameSuggestion(string From, string To, string Text);
