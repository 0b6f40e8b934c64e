using System.Globalization;

namespace Sluice.Transforms.Steps;

/// <summary>
/// Constants from step options (fill values, mapping keys, formats) become DuckDB session variables
/// set with bound parameters, referenced as <c>getvariable('...')</c>: views cannot take parameters,
/// and values must never be pasted into SQL text.
/// </summary>
internal sealed class StepValues
{
    private readonly List<(string Name, object Value)> _values = [];
    private int _published;

    /// <summary>Renders templates in a SQL expression of a step into bound values.</summary>
    public Func<string, string> RenderSql { get; set; } = sql => sql;

    public string Bind(object value)
    {
        var name = "sluice_value_" + _values.Count.ToString(CultureInfo.InvariantCulture);
        _values.Add((name, value));
        return $"getvariable('{name}')";
    }

    /// <summary>Values bound since the last call, to be set before the next view is created.</summary>
    public IReadOnlyList<(string Name, object Value)> TakeNew()
    {
        var fresh = _values.Skip(_published).ToList();
        _published = _values.Count;
        return fresh;
    }
}
