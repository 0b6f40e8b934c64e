using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sluice.Transforms.Tests.Infrastructure;

/// <summary>
/// A table as compared in the parity tests: column names and rows of cells. Expected tables come
/// from the pandas reference CSVs (text cells, <c>\N</c> for null); actual ones from a staged Parquet
/// file (typed cells). Numbers compare within 1e-9 relative, everything else as text.
/// </summary>
internal sealed class Table(IReadOnlyList<string> columns, List<object?[]> rows, IReadOnlyList<string>? types = null)
{
    public const string Null = "\\N";

    public IReadOnlyList<string> Columns { get; } = columns;

    public List<object?[]> Rows { get; } = rows;

    /// <summary>DuckDB types of an actual table's columns; empty for a reference table.</summary>
    public IReadOnlyList<string> Types { get; } = types ?? [];

    public int Index(string column) => Columns.ToList().FindIndex(c => c == column) is var i and >= 0 ? i : throw new ArgumentException($"no column '{column}' in {string.Join(", ", Columns)}");

    public string TypeOf(string column) => Types[Index(column)];

    public List<object?> Column(string column) => Rows.Select(r => r[Index(column)]).ToList();

    /// <summary>Each row as "a|b|c" (null as NULL, numbers in their shortest form), in order.</summary>
    public List<string> Lines() => Rows.Select(r => string.Join("|", r.Select(v => Text(v) ?? "NULL"))).ToList();

    public static Table FromParquet(string path)
    {
        var warehouse = Warehouse.InMemory();
        var query = Warehouse.Parquet(path);
        var columns = warehouse.Columns(query);
        return new Table(columns.Select(c => c.Name).ToList(), warehouse.Query(query), columns.Select(c => c.Type).ToList());
    }

    /// <summary>Reads a reference CSV as Python's csv module writes it: quotes only around fields that need them.</summary>
    public static Table FromCsv(string path)
    {
        var records = new List<List<string?>>();
        var text = File.ReadAllText(path, Encoding.UTF8);
        var record = new List<string?>();
        var field = new StringBuilder();
        bool quoted = false, wasQuoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = wasQuoted = true;
                    break;
                case ',':
                    record.Add(Cell(field, wasQuoted));
                    wasQuoted = false;
                    break;
                case '\n':
                    record.Add(Cell(field, wasQuoted));
                    wasQuoted = false;
                    records.Add(record);
                    record = [];
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        var header = records[0].Select(h => h!).ToList();
        return new Table(header, records.Skip(1).Select(r => r.Cast<object?>().ToArray()).ToList());

        static string? Cell(StringBuilder field, bool quoted)
        {
            var value = field.ToString();
            field.Clear();
            return value == Null && !quoted ? null : value;
        }
    }

    public static bool IsNumber(object? value) =>
        value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal or BigInteger or Int128 or UInt128;

    public static double ToDouble(object value) => value switch
    {
        BigInteger b => (double)b,
        Int128 i => (double)i,
        UInt128 u => (double)u,
        _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
    };

    /// <summary>Reference text of a number: repr() of a float ('inf', 'nan' included) or an integer.</summary>
    public static double ParseNumber(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>An actual cell as the reference writes it (numbers aside, which compare by value).</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t when t.Ticks % TimeSpan.TicksPerSecond == 0 => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateTimeOffset o => Text(o.UtcDateTime),
        _ when IsNumber(value) => ToDouble(value).ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    public static bool Same(object? expected, object? actual)
    {
        var e = expected as string;
        if (e is null || actual is null)
        {
            return e is null && actual is null;
        }

        if (!IsNumber(actual))
        {
            return e == Text(actual);
        }

        if (!double.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && e is not ("inf" or "-inf" or "nan"))
        {
            return false;
        }

        var x = ParseNumber(e);
        var y = ToDouble(actual);
        if (double.IsNaN(x) || double.IsNaN(y) || double.IsInfinity(x) || double.IsInfinity(y))
        {
            return x.Equals(y);
        }

        return Math.Abs(x - y) <= 1e-9 * Math.Max(1.0, Math.Max(Math.Abs(x), Math.Abs(y)));
    }

    /// <summary>A row's key for order-insensitive comparison: numbers rounded to 12 significant digits.</summary>
    public static string Key(object?[] row) => string.Join("|", row.Select(v => v switch
    {
        null => Null,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d.ToString("G12", CultureInfo.InvariantCulture),
        _ when IsNumber(v) => ToDouble(v).ToString("G12", CultureInfo.InvariantCulture),
        _ => Text(v),
    }));

    /// <summary>Differences between an expected and an actual table, one line each; empty when they match.</summary>
    public static List<string> Differences(Table expected, Table actual, bool ordered)
    {
        var problems = new List<string>();
        if (!expected.Columns.SequenceEqual(actual.Columns))
        {
            problems.Add($"columns: expected [{string.Join(", ", expected.Columns)}], got [{string.Join(", ", actual.Columns)}]");
            return problems;
        }

        if (expected.Rows.Count != actual.Rows.Count)
        {
            problems.Add($"rows: expected {expected.Rows.Count}, got {actual.Rows.Count}");
        }

        var left = ordered ? expected.Rows : expected.Rows.OrderBy(Key, StringComparer.Ordinal).ToList();
        var right = ordered ? actual.Rows : actual.Rows.OrderBy(Key, StringComparer.Ordinal).ToList();
        for (var r = 0; r < Math.Min(left.Count, right.Count); r++)
        {
            for (var c = 0; c < expected.Columns.Count; c++)
            {
                if (!Same(left[r][c], right[r][c]))
                {
                    problems.Add($"row {r + 1}, column '{expected.Columns[c]}': expected {Show(left[r][c])}, got {Show(Text(right[r][c]))} (expected row: {Key(left[r])}; got: {Key(right[r])})");
                }
            }
        }

        return problems;
    }

    private static string Show(object? value) => value is null ? "null" : $"'{value}'";
}
