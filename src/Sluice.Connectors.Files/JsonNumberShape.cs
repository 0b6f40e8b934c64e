using System.Globalization;
using System.Numerics;

namespace Sluice.Connectors.Files;

/// <summary>
/// The digits of one JSON number literal, normalised (1.50 is 15 x 10^-1): how many significant
/// digits, how many before and after the decimal point, and whether DuckDB reads it exactly.
/// </summary>
internal readonly record struct JsonNumberShape(string Literal, bool Negative, string Digits, int Exponent)
{
    /// <summary>A DOUBLE holds every number of up to 15 significant digits in its normal range exactly enough to print it back digit for digit.</summary>
    private const int DoubleDigits = 15;

    public int IntegerDigits => Digits.Length == 0 ? 1 : Math.Max(0, Digits.Length + Exponent);

    public int Scale => Math.Max(0, -Exponent);

    /// <summary>A plain integer within BIGINT, which DuckDB reads exactly (it reads every other number as DOUBLE).</summary>
    public bool IsBigint => !Literal.Contains('.', StringComparison.Ordinal) && !Literal.Contains('e', StringComparison.OrdinalIgnoreCase)
        && long.TryParse(Literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    public bool FitsDouble => Digits.Length <= DoubleDigits && Digits.Length + Exponent is <= 308 and >= -290;

    /// <summary>The value when it is a whole number of at most 40 digits, else null.</summary>
    public BigInteger? Integer
    {
        get
        {
            if (Scale > 0 || IntegerDigits > 40)
            {
                return null;
            }

            var value = Digits.Length == 0 ? BigInteger.Zero : BigInteger.Parse(Digits, CultureInfo.InvariantCulture) * BigInteger.Pow(10, Exponent);
            return Negative ? -value : value;
        }
    }

    public static JsonNumberShape Parse(string literal)
    {
        var i = 0;
        var negative = literal.StartsWith('-');
        if (negative)
        {
            i++;
        }

        var digits = new System.Text.StringBuilder();
        var fraction = 0;
        var inFraction = false;
        for (; i < literal.Length && literal[i] is not ('e' or 'E'); i++)
        {
            if (literal[i] == '.')
            {
                inFraction = true;
            }
            else
            {
                digits.Append(literal[i]);
                fraction += inFraction ? 1 : 0;
            }
        }

        // JSON exponents are unbounded text; anything past int range is far outside every SQL type anyway.
        var exponent = i < literal.Length && int.TryParse(literal.AsSpan(i + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var e) ? e : i < literal.Length ? 100_000 : 0;
        var text = digits.ToString().TrimStart('0');
        var trimmed = text.TrimEnd('0');
        exponent = exponent - fraction + (text.Length - trimmed.Length);
        return new JsonNumberShape(literal, negative, trimmed, trimmed.Length == 0 ? 0 : exponent);
    }
}
