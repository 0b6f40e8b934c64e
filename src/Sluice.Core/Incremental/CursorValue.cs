using System.Globalization;

namespace Sluice.Incremental;

/// <summary>How a cursor value is typed, so it goes back to the database as the type it came from.</summary>
public enum CursorKind
{
    Integer,
    Decimal,
    Timestamp,
    TimestampTz,
    Date,
    Text,
}

/// <summary>
/// One value of a cursor column (a watermark), kept as its kind and an invariant text so it survives
/// the metadata store unchanged and is bound as a parameter of the same type it was read as.
/// </summary>
public sealed record CursorValue(CursorKind Kind, string Text) : IComparable<CursorValue>
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF";

    public static readonly IReadOnlyDictionary<CursorKind, string> KindNames = new Dictionary<CursorKind, string>
    {
        [CursorKind.Integer] = "integer",
        [CursorKind.Decimal] = "decimal",
        [CursorKind.Timestamp] = "timestamp",
        [CursorKind.TimestampTz] = "timestamptz",
        [CursorKind.Date] = "date",
        [CursorKind.Text] = "text",
    };

    public string KindName => KindNames[Kind];

    public static CursorKind KindOf(string name) =>
        KindNames.Where(k => k.Value == name).Select(k => (CursorKind?)k.Key).FirstOrDefault()
            ?? throw new SluiceException($"unknown cursor kind '{name}'.");

    /// <summary>A value read from a database or a staged dataset.</summary>
    public static CursorValue From(object value) => value switch
    {
        long or int or short or sbyte or byte or ushort or uint => new(CursorKind.Integer, Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)),
        ulong u => new(CursorKind.Decimal, u.ToString(CultureInfo.InvariantCulture)),
        decimal d => new(CursorKind.Decimal, d.ToString(CultureInfo.InvariantCulture)),
        double or float => new(CursorKind.Decimal, Convert.ToDecimal(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)),
        DateTime { Kind: DateTimeKind.Utc } t => new(CursorKind.TimestampTz, t.ToString(TimestampFormat, CultureInfo.InvariantCulture) + "Z"),
        DateTime t => new(CursorKind.Timestamp, t.ToString(TimestampFormat, CultureInfo.InvariantCulture)),
        DateTimeOffset o => new(CursorKind.TimestampTz, o.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture) + "Z"),
        DateOnly d => new(CursorKind.Date, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        string s => new(CursorKind.Text, s),
        _ => new(CursorKind.Text, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
    };

    /// <summary>
    /// A value written by a person (<c>initial:</c>, <c>sluice state set</c>): a whole number, a
    /// decimal, a date (read as midnight), a timestamp (with Z or an offset: timestamptz), else text.
    /// </summary>
    public static CursorValue Parse(string text)
    {
        var t = text.Trim();
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return new(CursorKind.Integer, whole.ToString(CultureInfo.InvariantCulture));
        }

        if (decimal.TryParse(t, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
        {
            return new(CursorKind.Decimal, number.ToString(CultureInfo.InvariantCulture));
        }

        if (t.Length == 10 && DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return From(date.ToDateTime(TimeOnly.MinValue));
        }

        var hasOffset = t.EndsWith('Z') || t.EndsWith('z') || (t.Length > 19 && (t[^6] is '+' or '-') && t[^3] == ':');
        if (hasOffset && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var offset))
        {
            return From(offset);
        }

        if (!hasOffset && t.Length >= 16 && char.IsAsciiDigit(t[0]) && DateTime.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return From(DateTime.SpecifyKind(time, DateTimeKind.Unspecified));
        }

        return new(CursorKind.Text, text);
    }

    /// <summary>The .NET value to bind as a parameter: long, decimal, DateTime (UTC for timestamptz), DateOnly or string.</summary>
    public object ToValue() => Kind switch
    {
        CursorKind.Integer => long.Parse(Text, CultureInfo.InvariantCulture),
        CursorKind.Decimal => decimal.Parse(Text, NumberStyles.Number, CultureInfo.InvariantCulture),
        CursorKind.Timestamp => DateTime.SpecifyKind(DateTime.Parse(Text, CultureInfo.InvariantCulture, DateTimeStyles.None), DateTimeKind.Unspecified),
        CursorKind.TimestampTz => DateTime.Parse(Text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        CursorKind.Date => DateOnly.ParseExact(Text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Text,
    };

    /// <summary>This value moved back by a lookback: a duration for timestamps and dates, units for numbers.</summary>
    public CursorValue Minus(TimeSpan? duration, decimal? units) => (Kind, ToValue()) switch
    {
        (CursorKind.Timestamp or CursorKind.TimestampTz, DateTime t) when duration is { } d => From(t - d),
        (CursorKind.Date, DateOnly day) when duration is { } d => From(day.ToDateTime(TimeOnly.MinValue) - d),
        (CursorKind.Integer, long n) when units is { } u => From(n - (long)Math.Ceiling(u)),
        (CursorKind.Decimal, decimal n) when units is { } u => From(n - u),
        (CursorKind.Text, string text) when duration is { } d => TextTimeMinus(text, d),
        _ => this,
    };

    /// <summary>
    /// SQLite keeps timestamps as text: moved back in the same layout (space or T, Z kept), so it still
    /// compares as text with the column. The fraction is dropped, which only moves the bound earlier.
    /// </summary>
    private CursorValue TextTimeMinus(string text, TimeSpan duration)
    {
        var zulu = text.EndsWith('Z');
        if (text.Length < 19 || !DateTime.TryParse(zulu ? text[..^1] : text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return this;
        }

        var layout = text[10] == 'T' ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd HH:mm:ss";
        return new(CursorKind.Text, (time - duration).ToString(layout, CultureInfo.InvariantCulture) + (zulu ? "Z" : string.Empty));
    }

    /// <summary>Orders two values of the same kind; values of different kinds order by their text.</summary>
    public int CompareTo(CursorValue? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (Kind != other.Kind)
        {
            return string.CompareOrdinal(Text, other.Text);
        }

        return (ToValue(), other.ToValue()) switch
        {
            (long a, long b) => a.CompareTo(b),
            (decimal a, decimal b) => a.CompareTo(b),
            (DateTime a, DateTime b) => a.CompareTo(b),
            (DateOnly a, DateOnly b) => a.CompareTo(b),
            _ => string.CompareOrdinal(Text, other.Text),
        };
    }

    public static CursorValue Max(CursorValue? a, CursorValue b) => a is not null && a.CompareTo(b) > 0 ? a : b;

    public override string ToString() => Text;
}
