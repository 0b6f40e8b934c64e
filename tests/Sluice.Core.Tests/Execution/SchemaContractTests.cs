using Sluice.Execution;
using Sluice.Model;

namespace Sluice.Core.Tests.Execution;

/// <summary>A dataset's actual columns compared with its declared schema.</summary>
public sealed class SchemaContractTests
{
    private static readonly DatasetDefinition Orders = new()
    {
        Name = "orders",
        Columns = [new("order_id", "BIGINT"), new("amount", "DOUBLE"), new("customer", "VARCHAR")],
        Location = new SourceLocation("pipeline.yaml", 4, 3),
    };

    [Fact]
    public void Matching_columns_have_no_drift()
    {
        Assert.Null(SchemaContract.Diff(Orders, [new("order_id", "BIGINT"), new("amount", "DOUBLE"), new("customer", "VARCHAR")]));
    }

    [Fact]
    public void Column_names_match_whatever_their_case()
    {
        Assert.Null(SchemaContract.Diff(Orders, [new("ORDER_ID", "BIGINT"), new("Amount", "DOUBLE"), new("customer", "VARCHAR")]));
    }

    [Fact]
    public void A_missing_column_is_named_with_its_declared_type()
    {
        var drift = SchemaContract.Diff(Orders, [new("order_id", "BIGINT"), new("customer", "VARCHAR")]);

        Assert.Equal("dataset 'orders' does not match its declared schema (pipeline.yaml:4:3): missing column 'amount' (DOUBLE).", drift);
    }

    [Fact]
    public void A_changed_type_names_both_types()
    {
        var drift = SchemaContract.Diff(Orders, [new("order_id", "BIGINT"), new("amount", "VARCHAR"), new("customer", "VARCHAR")]);

        Assert.Equal("dataset 'orders' does not match its declared schema (pipeline.yaml:4:3): column 'amount' is VARCHAR, declared DOUBLE.", drift);
    }

    [Fact]
    public void A_new_column_is_drift()
    {
        var drift = SchemaContract.Diff(Orders, [new("order_id", "BIGINT"), new("amount", "DOUBLE"), new("customer", "VARCHAR"), new("coupon", "INTEGER")]);

        Assert.Equal("dataset 'orders' does not match its declared schema (pipeline.yaml:4:3): new column 'coupon' (INTEGER).", drift);
    }

    [Fact]
    public void Every_problem_is_listed()
    {
        var drift = SchemaContract.Diff(Orders, [new("order_id", "INTEGER"), new("customer", "VARCHAR"), new("coupon", "INTEGER")]);

        Assert.Equal(
            "dataset 'orders' does not match its declared schema (pipeline.yaml:4:3): column 'order_id' is INTEGER, declared BIGINT; missing column 'amount' (DOUBLE); new column 'coupon' (INTEGER).",
            drift);
    }

    [Theory]
    [InlineData("INT", "INTEGER")]
    [InlineData("INTEGER", "INT4")]
    [InlineData("TEXT", "VARCHAR")]
    [InlineData("STRING", "VARCHAR")]
    [InlineData("BIGINT", "INT8")]
    [InlineData("BOOL", "BOOLEAN")]
    [InlineData("FLOAT8", "DOUBLE")]
    [InlineData("REAL", "FLOAT")]
    [InlineData("DATETIME", "TIMESTAMP")]
    [InlineData("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ")]
    [InlineData("decimal(12, 2)", "DECIMAL(12,2)")]
    [InlineData("varchar", "VARCHAR")]
    public void Type_synonyms_are_the_same_type(string declared, string actual)
    {
        var dataset = Orders with { Columns = [new("value", declared)] };

        Assert.Null(SchemaContract.Diff(dataset, [new("value", actual)]));
    }

    [Theory]
    [InlineData("INTEGER", "BIGINT")]
    [InlineData("FLOAT", "DOUBLE")]
    [InlineData("TIMESTAMP", "TIMESTAMPTZ")]
    [InlineData("DECIMAL(12,2)", "DECIMAL(18,2)")]
    [InlineData("DATE", "VARCHAR")]
    public void Different_types_are_drift(string declared, string actual)
    {
        var dataset = Orders with { Columns = [new("value", declared)] };

        Assert.Contains($"column 'value' is {actual}, declared {declared}", SchemaContract.Diff(dataset, [new("value", actual)]));
    }
}
