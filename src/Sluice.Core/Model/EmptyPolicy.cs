namespace Sluice.Model;

/// <summary>What a task does when its data is empty (<c>on_empty</c>).</summary>
public enum EmptyPolicy
{
    /// <summary>A sink refuses to remove rows with an empty load; a source fails the task.</summary>
    Fail,
    /// <summary>Go ahead, with a warning line in the log.</summary>
    Warn,
    /// <summary>Go ahead silently: empty is a normal outcome for this task.</summary>
    Ok,
}

/// <summary>The YAML spelling of <see cref="EmptyPolicy"/>.</summary>
public static class EmptyPolicies
{
    public static IReadOnlyList<string> Names { get; } = ["fail", "warn", "ok"];

    public static EmptyPolicy? Parse(string text) => text switch
    {
        "fail" => EmptyPolicy.Fail,
        "warn" => EmptyPolicy.Warn,
        "ok" => EmptyPolicy.Ok,
        _ => null,
    };

    public static string Name(EmptyPolicy policy) => Names[(int)policy];
}
