namespace Sluice.Model;

/// <summary>
/// What a task does when its output has columns its dataset's contract does not name
/// (<c>on_new_fields</c>). Removed columns and changed types always fail, whatever this says.
/// </summary>
public enum NewFieldsPolicy
{
    /// <summary>Fail the task (not retried): the new columns must be declared or accepted first.</summary>
    Fail,
    /// <summary>Publish them and record the wider schema as the contract's next version.</summary>
    Evolve,
    /// <summary>Publish them without recording anything; the contract stays as it was.</summary>
    Ignore,
}

/// <summary>The YAML spelling of <see cref="NewFieldsPolicy"/>.</summary>
public static class NewFieldsPolicies
{
    public static IReadOnlyList<string> Names { get; } = ["fail", "evolve", "ignore"];

    public static NewFieldsPolicy? Parse(string text) => text switch
    {
        "fail" => NewFieldsPolicy.Fail,
        "evolve" => NewFieldsPolicy.Evolve,
        "ignore" => NewFieldsPolicy.Ignore,
        _ => null,
    };

    public static string Name(NewFieldsPolicy policy) => Names[(int)policy];

    /// <summary>
    /// The policy in force when the task says none: a hand-written column list is a promise, so a
    /// column it does not name fails (as it always has); a contract Sluice inferred only records
    /// what the data looked like, so it grows with the data.
    /// </summary>
    public static NewFieldsPolicy Effective(NewFieldsPolicy? written, bool declared) =>
        written ?? (declared ? NewFieldsPolicy.Fail : NewFieldsPolicy.Evolve);
}
