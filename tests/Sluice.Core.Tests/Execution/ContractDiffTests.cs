using Sluice.Contracts;
using Sluice.Model;

namespace Sluice.Core.Tests.Execution;

/// <summary>The structured diff behind contract_drift events: renames, policies and columns whose type says nothing.</summary>
public sealed class ContractDiffTests
{
    private static readonly ColumnDefinition[] Contract = [new("id", "BIGINT"), new("amount", "DECIMAL(12,2)"), new("customer", "VARCHAR")];

    [Fact]
    public void A_removed_column_pairs_with_the_new_column_of_its_type_at_its_position()
    {
        var diff = ContractDiff.Compare(Contract, [new("id", "BIGINT"), new("total_amount", "DECIMAL(12,2)"), new("customer", "VARCHAR")], "was");

        var rename = Assert.Single(diff.Renamed);
        Assert.Equal(("amount", "total_amount"), (rename.From, rename.To));
        Assert.Equal("'amount' looks renamed to 'total_amount' (its values fit DECIMAL(12,2), same position, a similar name, the only new field)", rename.Text);
        Assert.True(diff.Breaks(NewFieldsPolicy.Ignore));
    }

    [Fact]
    public void No_rename_is_guessed_when_two_new_columns_fit_equally()
    {
        var diff = ContractDiff.Compare(Contract, [new("id", "BIGINT"), new("customer", "VARCHAR"), new("net", "DECIMAL(12,2)"), new("gross", "DECIMAL(12,2)")], "was");

        Assert.Empty(diff.Renamed);
        Assert.Equal(["amount"], diff.Removed.Select(c => c.Name));
    }

    [Theory]
    [InlineData(NewFieldsPolicy.Fail, true)]
    [InlineData(NewFieldsPolicy.Evolve, false)]
    [InlineData(NewFieldsPolicy.Ignore, false)]
    public void Only_fail_breaks_on_a_new_column(NewFieldsPolicy policy, bool breaks)
    {
        var diff = ContractDiff.Compare(Contract, [.. Contract, new("coupon", "VARCHAR")], "was");

        Assert.Equal(breaks, diff.Breaks(policy));
        Assert.Equal(["new column 'coupon' (VARCHAR)"], diff.Problems);
    }

    [Fact]
    public void A_column_whose_type_is_unknown_is_not_a_type_change()
    {
        var observed = new ColumnDefinition[] { new("id", "BIGINT"), new("amount", "VARCHAR"), new("customer", "VARCHAR") };

        Assert.False(ContractDiff.Compare(Contract, observed, "was", new HashSet<string>(["AMOUNT"], StringComparer.OrdinalIgnoreCase)).ChangesSchema);
        Assert.Equal("column 'amount' is VARCHAR, was DECIMAL(12,2).", ContractDiff.Compare(Contract, observed, "was").Describe());
    }

    [Theory]
    [InlineData(null, true, NewFieldsPolicy.Fail)]
    [InlineData(null, false, NewFieldsPolicy.Evolve)]
    [InlineData(NewFieldsPolicy.Ignore, true, NewFieldsPolicy.Ignore)]
    public void The_default_policy_is_fail_for_declared_columns_and_evolve_for_inferred_ones(NewFieldsPolicy? written, bool declared, NewFieldsPolicy expected) =>
        Assert.Equal(expected, NewFieldsPolicies.Effective(written, declared));
}
