using System.Text.Json;

namespace Sluice.Connectors.Files;

/// <summary>A number literal and the file it was found in, for error messages.</summary>
internal readonly record struct JsonNumberAt(JsonNumberShape Shape, string File);

/// <summary>What the numbers of one top-level JSON field need to be read without losing a digit.</summary>
internal sealed class JsonFieldNumbers
{
    public long Numbers { get; private set; }

    /// <summary>Every number is a plain integer within BIGINT, which DuckDB reads exactly.</summary>
    public bool AllBigint { get; private set; } = true;

    /// <summary>Every number has few enough digits for a DOUBLE to keep them.</summary>
    public bool AllDouble { get; private set; } = true;

    public bool HasText { get; private set; }

    public bool HasNested { get; private set; }

    public JsonNumberAt? MostIntegerDigits { get; private set; }

    public JsonNumberAt? MostScale { get; private set; }

    /// <summary>The number with the most digits in all.</summary>
    public JsonNumberAt? Widest { get; private set; }

    public JsonNumberAt? Smallest { get; private set; }

    public JsonNumberAt? Largest { get; private set; }

    /// <summary>The first number inside an object or list of this field that a DOUBLE cannot hold.</summary>
    public JsonNumberAt? NestedInexact { get; private set; }

    public void Add(JsonElement value, string file)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                AddNumber(new JsonNumberAt(JsonNumberShape.Parse(value.GetRawText()), file));
                break;
            case JsonValueKind.String or JsonValueKind.True or JsonValueKind.False:
                HasText = true;
                break;
            case JsonValueKind.Object or JsonValueKind.Array:
                HasNested = true;
                if (NestedInexact is null)
                {
                    FindNested(value, file);
                }

                break;
        }
    }

    private void AddNumber(JsonNumberAt number)
    {
        var shape = number.Shape;
        Numbers++;
        AllBigint &= shape.IsBigint;
        AllDouble &= shape.FitsDouble;
        if (MostIntegerDigits is null || shape.IntegerDigits > MostIntegerDigits.Value.Shape.IntegerDigits)
        {
            MostIntegerDigits = number;
        }

        if (MostScale is null || shape.Scale > MostScale.Value.Shape.Scale)
        {
            MostScale = number;
        }

        if (Widest is null || shape.IntegerDigits + shape.Scale > Widest.Value.Shape.IntegerDigits + Widest.Value.Shape.Scale)
        {
            Widest = number;
        }

        if (shape.Integer is { } integer)
        {
            if (Smallest is null || integer < Smallest.Value.Shape.Integer)
            {
                Smallest = number;
            }

            if (Largest is null || integer > Largest.Value.Shape.Integer)
            {
                Largest = number;
            }
        }
        else if (shape.Scale == 0)
        {
            // A whole number of more than 40 digits: larger than every integer type.
            Largest = number;
        }
    }

    private void FindNested(JsonElement value, string file)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            var shape = JsonNumberShape.Parse(value.GetRawText());
            if (!shape.FitsDouble && !shape.IsBigint)
            {
                NestedInexact = new JsonNumberAt(shape, file);
            }
        }
        else if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                FindNested(property.Value, file);
            }
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                FindNested(item, file);
            }
        }
    }
}
