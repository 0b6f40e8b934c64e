using Sluice.Transforms.Tests.Infrastructure;

namespace Sluice.Transforms.Tests;

/// <summary>
/// The type of every aggregate metric, for each numeric input type, as staged and as loaded into the
/// warehouse. Parquet has no 128-bit integer, so a HUGEINT that reached staging came back as DOUBLE
/// and lost digits past 2^53: integer and decimal metrics must arrive with an exact type.
/// </summary>
public sealed class AggregateTypeTests : IDisposable
{
    // Values past 2^53 show whether a sum went through DOUBLE: 9007199254740993 has no DOUBLE.
    private const string Csv = "g,v\na,9007199254740991\na,2\nb,3\n";

    private readonly StepHarness _h = new();

    public static TheoryData<string, string, string> Expectations() => new()
    {
        // input type, metric, expected type
        { "INTEGER", "sum", "BIGINT" },
        { "INTEGER", "min", "INTEGER" },
        { "INTEGER", "max", "INTEGER" },
        { "INTEGER", "count", "BIGINT" },
        { "INTEGER", "count_distinct", "BIGINT" },
        { "INTEGER", "nunique", "BIGINT" },
        { "INTEGER", "mean", "DOUBLE" },
        { "INTEGER", "avg", "DOUBLE" },
        { "INTEGER", "median", "DOUBLE" },
        { "INTEGER", "std", "DOUBLE" },
        { "BIGINT", "sum", "BIGINT" },
        { "BIGINT", "min", "BIGINT" },
        { "BIGINT", "max", "BIGINT" },
        { "BIGINT", "count", "BIGINT" },
        { "BIGINT", "nunique", "BIGINT" },
        { "BIGINT", "mean", "DOUBLE" },
        { "UBIGINT", "sum", "DECIMAL(38,0)" },
        { "UBIGINT", "max", "UBIGINT" },
        { "HUGEINT", "sum", "DECIMAL(38,0)" },
        { "HUGEINT", "min", "DECIMAL(38,0)" },
        { "HUGEINT", "max", "DECIMAL(38,0)" },
        { "DECIMAL(18,2)", "sum", "DECIMAL(38,2)" },
        { "DECIMAL(18,2)", "min", "DECIMAL(18,2)" },
        { "DECIMAL(18,2)", "max", "DECIMAL(18,2)" },
        { "DECIMAL(18,2)", "count", "BIGINT" },
        { "DECIMAL(18,2)", "mean", "DOUBLE" },
        { "DECIMAL(18,2)", "median", "DECIMAL(18,2)" },
        { "DECIMAL(18,2)", "std", "DOUBLE" },
        { "DECIMAL(38,4)", "sum", "DECIMAL(38,4)" },
        { "DOUBLE", "sum", "DOUBLE" },
        { "DOUBLE", "min", "DOUBLE" },
        { "DOUBLE", "max", "DOUBLE" },
        { "DOUBLE", "mean", "DOUBLE" },
        { "DOUBLE", "count_distinct", "BIGINT" },
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public async Task An_aggregate_keeps_an_exact_type_through_staging_and_the_warehouse(string input, string metric, string expected)
    {
        var csv = input switch
        {
            "INTEGER" => "g,v\na,2147483647\na,2147483647\nb,3\n",
            _ when input.StartsWith("DECIMAL", StringComparison.Ordinal) => "g,v\na,1234567890123.25\na,2.5\nb,3\n",
            _ => Csv,
        };
        _h.Write(csv, $"g VARCHAR, v '{input}'", $"- aggregate: {{ by: g, metrics: {{ m: {metric}(v) }} }}", load: true);

        var staged = await _h.OutputAsync();
        var loaded = _h.Project.Warehouse("wh.duckdb").Columns("SELECT m FROM out").Single().Type;

        Assert.Equal(expected, staged.TypeOf("m"));
        Assert.Equal(expected, loaded);
        if (metric == "sum" && input is "INTEGER" or "BIGINT" or "UBIGINT" or "HUGEINT")
        {
            // Past INTEGER for INTEGER input; otherwise not 9007199254740992, the nearest DOUBLE.
            Assert.Equal(input == "INTEGER" ? "4294967294" : "9007199254740993", Convert.ToString(staged.Column("m")[0], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public void Dispose() => _h.Dispose();
}
