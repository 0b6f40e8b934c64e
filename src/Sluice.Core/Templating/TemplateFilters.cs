using System.Globalization;
using System.Text;

namespace Sluice.Templating;

/// <summary>
/// The filters a <c>{{ variable | filter('argument') }}</c> expression may apply. There is one,
/// <c>date</c>, for object keys and paths laid out by date parts (<c>raw/2024/03/01/events.json</c>).
/// </summary>
internal static class TemplateFilters
{
    public const string Date = "date";

    /// <summary>The variables that hold a date or a timestamp, so <c>date</c> applies to them.</summary>
    public static IReadOnlySet<string> DateVariables { get; } = new HashSet<string>(StringComparer.Ordinal) { "ds", "logical_date", "data_interval_start", "data_interval_end" };

    private const string Directives = "YymdjHMS%";

    /// <summary>Why <paramref name="filter"/> cannot apply to <paramref name="variable"/>, or null when it can.</summary>
    public static string? Problem(string expression, string variable, bool variableIsDate, string filter, string? argument)
    {
        if (filter != Date)
        {
            return $"unknown template filter '{filter}' in '{expression}'. Known filters: {Date}('<format>').";
        }

        if (argument is null)
        {
            return $"the date filter needs a format, e.g. '{{{{ {variable} | date('%Y/%m/%d') }}}}', in '{expression}'.";
        }

        if (!variableIsDate)
        {
            return $"'{variable}' is not a date, in '{expression}'. The date filter applies to {string.Join(", ", DateVariables)}.";
        }

        return FormatProblem(argument) is { } problem ? $"{problem} in '{expression}'. Known: %Y, %y, %m, %d, %j, %H, %M, %S, %%." : null;
    }

    /// <summary>Formats a date or timestamp with strftime-style directives; <see cref="Problem"/> has accepted the format.</summary>
    public static string FormatDate(object value, string format)
    {
        var moment = value switch
        {
            DateOnly date => date.ToDateTime(TimeOnly.MinValue),
            DateTime time => time,
            _ => throw new ArgumentException($"not a date: {value.GetType().Name}", nameof(value)),
        };
        var text = new StringBuilder(format.Length + 8);
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                text.Append(format[i]);
                continue;
            }

            i++;
            text.Append(format[i] switch
            {
                'Y' => moment.ToString("yyyy", CultureInfo.InvariantCulture),
                'y' => moment.ToString("yy", CultureInfo.InvariantCulture),
                'm' => moment.ToString("MM", CultureInfo.InvariantCulture),
                'd' => moment.ToString("dd", CultureInfo.InvariantCulture),
                'j' => moment.DayOfYear.ToString("000", CultureInfo.InvariantCulture),
                'H' => moment.ToString("HH", CultureInfo.InvariantCulture),
                'M' => moment.ToString("mm", CultureInfo.InvariantCulture),
                'S' => moment.ToString("ss", CultureInfo.InvariantCulture),
                _ => "%",
            });
        }

        return text.ToString();
    }

    private static string? FormatProblem(string format)
    {
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                continue;
            }

            if (i + 1 >= format.Length)
            {
                return "a date format ends with a lone '%' (write '%%' for a percent sign)";
            }

            if (!Directives.Contains(format[i + 1], StringComparison.Ordinal))
            {
                return $"unknown date format directive '%{format[i + 1]}'";
            }

            i++;
        }

        return null;
    }
}
