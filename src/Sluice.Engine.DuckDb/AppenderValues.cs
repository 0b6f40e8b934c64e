using System.Numerics;
using DuckDB.NET.Data;

namespace Sluice.Engine.DuckDb;

/// <summary>Appends a boxed .NET value with the appender overload of its type.</summary>
internal static class AppenderValues
{
    public static void Append(IDuckDBAppenderRow row, object? value)
    {
        switch (value)
        {
            case null or DBNull: row.AppendNullValue(); break;
            case string v: row.AppendValue(v); break;
            case bool v: row.AppendValue(v); break;
            case sbyte v: row.AppendValue(v); break;
            case byte v: row.AppendValue(v); break;
            case short v: row.AppendValue(v); break;
            case ushort v: row.AppendValue(v); break;
            case int v: row.AppendValue(v); break;
            case uint v: row.AppendValue(v); break;
            case long v: row.AppendValue(v); break;
            case ulong v: row.AppendValue(v); break;
            case BigInteger v: row.AppendValue(v); break;
            case float v: row.AppendValue(v); break;
            case double v: row.AppendValue(v); break;
            case decimal v: row.AppendValue(v); break;
            case DateTime v: row.AppendValue(v); break;
            case DateTimeOffset v: row.AppendValue(v); break;
            case DateOnly v: row.AppendValue(v); break;
            case TimeOnly v: row.AppendValue(v); break;
            case TimeSpan v: row.AppendValue(v); break;
            case Guid v: row.AppendValue(v); break;
            case byte[] v: row.AppendValue(v); break;
            case string[] v: row.AppendValue(v); break;
            case int[] v: row.AppendValue(v); break;
            case long[] v: row.AppendValue(v); break;
            case double[] v: row.AppendValue(v); break;
            case decimal[] v: row.AppendValue(v); break;
            case bool[] v: row.AppendValue(v); break;
            case Guid[] v: row.AppendValue(v); break;
            default: row.AppendValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }
}
