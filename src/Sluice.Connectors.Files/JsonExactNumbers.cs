using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Files;

/// <summary>
/// DuckDB's JSON reader parses every non-integer number (and every integer past BIGINT) as DOUBLE
/// before any cast, so 12345678901234567890.5 became 12345678901234567000.0 even in a DECIMAL(38,1)
/// column. The files are scanned first; a top-level field whose numbers a DOUBLE cannot hold, or
/// that is declared with an exact type, is read from its literal text instead (see <see cref="JsonExactCopy"/>)
/// and cast to DECIMAL(38,s) or its declared type. A number that fits no exact type fails the task
/// naming the field and file:line:column.
/// </summary>
internal static partial class JsonExactNumbers
{
    /// <summary>The fields to read from their literal text, each with the type to cast that text to (null: keep the text).</summary>
    public static async Task<IReadOnlyDictionary<string, string?>> PlanAsync(IReadOnlyList<string> files, bool jsonLines, IReadOnlyList<KeyValuePair<string, string>> declared, string taskId, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, JsonFieldNumbers>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                await using var stream = File.OpenRead(file);
                await foreach (var record in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, topLevelValues: jsonLines, cancellationToken: cancellationToken))
                {
                    if (record.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    foreach (var property in record.EnumerateObject())
                    {
                        if (!fields.TryGetValue(property.Name, out var field))
                        {
                            fields[property.Name] = field = new JsonFieldNumbers();
                        }

                        field.Add(property.Value, file);
                    }
                }
            }
            catch (JsonException)
            {
                // Malformed JSON: DuckDB's reader reports it, as it always did.
                return new Dictionary<string, string?>();
            }
        }

        var types = declared.ToDictionary(c => c.Key, c => c.Value, StringComparer.OrdinalIgnoreCase);
        var plan = new Dictionary<string, string?>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, field) in fields)
        {
            if (field.NestedInexact is { } nested)
            {
                problems.Add($"field '{name}' at {Locate(nested)} holds the nested number {nested.Shape.Literal}, which has more digits than a DOUBLE keeps, and numbers inside JSON objects and lists are read as DOUBLE. Move it to a top-level field, which is read exactly.");
            }

            var (fromText, cast) = Decide(name, field, types.GetValueOrDefault(name), problems);
            if (fromText)
            {
                plan[name] = cast;
            }
        }

        if (problems.Count > 0)
        {
            throw new BadDataException($"task '{taskId}': {string.Join("; ", problems)}");
        }

        return plan;
    }

    private static (bool FromText, string? Cast) Decide(string name, JsonFieldNumbers field, string? declared, List<string> problems)
    {
        if (field.Numbers == 0 || field.AllBigint)
        {
            return (false, null);
        }

        if (declared is null)
        {
            if (field.AllDouble)
            {
                return (false, null);
            }

            if (field.HasNested)
            {
                problems.Add($"field '{name}' at {Locate(field.Widest!.Value)} mixes objects or lists with the number {field.Widest.Value.Shape.Literal}, which a DOUBLE cannot hold. Declare the column as VARCHAR to read it as text.");
                return (false, null);
            }

            if (field.HasText)
            {
                return (true, null); // numbers and strings in one field: the column is text, and a number keeps its literal
            }

            var scale = field.MostScale!.Value.Shape.Scale;
            if (field.MostIntegerDigits!.Value.Shape.IntegerDigits + scale > 38)
            {
                var widest = field.MostIntegerDigits.Value.Shape.IntegerDigits + scale > field.Widest!.Value.Shape.IntegerDigits + field.Widest.Value.Shape.Scale ? field.MostIntegerDigits.Value : field.Widest.Value;
                problems.Add($"field '{name}' at {Locate(widest)} is {widest.Shape.Literal}; with the field's other values it needs {field.MostIntegerDigits.Value.Shape.IntegerDigits} digits before and {scale} after the point, more than DECIMAL(38) holds. Declare the column as VARCHAR to keep the text, or DOUBLE to accept rounding.");
                return (false, null);
            }

            return (true, $"DECIMAL(38,{scale})");
        }

        if (IsText(declared))
        {
            return (true, null);
        }

        if (DecimalType().Match(declared) is { Success: true } match)
        {
            var precision = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 18;
            var scale = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : match.Groups[2].Success ? 0 : 3;
            if (field.MostScale!.Value.Shape.Scale > scale)
            {
                problems.Add($"field '{name}' at {Locate(field.MostScale.Value)} is {field.MostScale.Value.Shape.Literal}, which has {field.MostScale.Value.Shape.Scale} digits after the point; its declared type {declared} keeps {scale} and would round it. Declare a wider scale, or DOUBLE to accept rounding.");
            }
            else if (field.MostIntegerDigits!.Value.Shape.IntegerDigits > precision - scale)
            {
                problems.Add($"field '{name}' at {Locate(field.MostIntegerDigits.Value)} is {field.MostIntegerDigits.Value.Shape.Literal}, too large for its declared type {declared}. Declare a wider precision (up to DECIMAL(38,{scale})).");
            }

            return (true, declared);
        }

        if (IntegerBounds.TryGetValue(declared.Trim().ToUpperInvariant(), out var bounds))
        {
            if (field.MostScale!.Value.Shape.Scale > 0)
            {
                problems.Add($"field '{name}' at {Locate(field.MostScale.Value)} is {field.MostScale.Value.Shape.Literal}, not a whole number, but its declared type is {declared}. Declare it as DECIMAL or DOUBLE.");
            }
            else if (Outside(field, bounds) is { } outside)
            {
                problems.Add($"field '{name}' at {Locate(outside)} is {outside.Shape.Literal}, outside the range of its declared type {declared}. Declare a wider type such as DECIMAL(38,0).");
            }

            return (true, declared);
        }

        return (false, null); // DOUBLE, FLOAT and non-numeric types: DuckDB's own reading is what was asked for
    }

    private static JsonNumberAt? Outside(JsonFieldNumbers field, (BigInteger Min, BigInteger Max) bounds)
    {
        if (field.Largest is { } large && (large.Shape.Integer is not { } largest || largest > bounds.Max))
        {
            return large;
        }

        return field.Smallest is { } small && small.Shape.Integer < bounds.Min ? small : null;
    }

    private static bool IsText(string type) => type.Trim().ToUpperInvariant() is "VARCHAR" or "TEXT" or "STRING";

    private static readonly Dictionary<string, (BigInteger Min, BigInteger Max)> IntegerBounds = new()
    {
        ["TINYINT"] = (sbyte.MinValue, sbyte.MaxValue),
        ["SMALLINT"] = (short.MinValue, short.MaxValue),
        ["INTEGER"] = (int.MinValue, int.MaxValue),
        ["INT"] = (int.MinValue, int.MaxValue),
        ["BIGINT"] = (long.MinValue, long.MaxValue),
        ["UTINYINT"] = (0, byte.MaxValue),
        ["USMALLINT"] = (0, ushort.MaxValue),
        ["UINTEGER"] = (0, uint.MaxValue),
        ["UBIGINT"] = (0, ulong.MaxValue),
        ["HUGEINT"] = (-BigInteger.Pow(10, 38) + 1, BigInteger.Pow(10, 38) - 1), // staged as DECIMAL(38,0)
    };

    /// <summary>file:line:column of the first place the literal appears as a value.</summary>
    private static string Locate(JsonNumberAt number)
    {
        var line = 0;
        foreach (var text in File.ReadLines(number.File))
        {
            line++;
            for (var at = text.IndexOf(number.Shape.Literal, StringComparison.Ordinal); at >= 0; at = text.IndexOf(number.Shape.Literal, at + 1, StringComparison.Ordinal))
            {
                var before = text[..at].TrimEnd();
                var end = at + number.Shape.Literal.Length;
                if ((before.Length == 0 || before[^1] is ':' or '[' or ',') && (end == text.Length || !(char.IsAsciiDigit(text[end]) || text[end] is '.' or 'e' or 'E')))
                {
                    return $"{number.File}:{line}:{at + 1}";
                }
            }
        }

        return number.File;
    }

    [GeneratedRegex(@"^\s*(DECIMAL|NUMERIC)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DecimalType();
}
