using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Sluice.Model;

namespace Sluice.Templating;

/// <summary>
/// Expands <c>{{ ds }}</c>-style run variables and <c>${VAR}</c> environment variables in option values.
/// In SQL, expressions become bound parameters instead of pasted text.
/// </summary>
public sealed partial class TemplateRenderer
{
    private readonly IReadOnlyDictionary<string, object> _variables;
    private readonly Func<string, string?> _environment;
    private readonly Func<string, bool> _isSecret;

    /// <param name="isSecret">Which variables' values are masked; default: names that look secret (<see cref="SecretNames"/>).</param>
    public TemplateRenderer(DataInterval interval, IReadOnlyDictionary<string, string> parameters, SecretMasker secrets, Func<string, string?>? environment = null, string? runId = null, Func<string, bool>? isSecret = null)
    {
        Interval = interval;
        Secrets = secrets;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _isSecret = isSecret ?? SecretNames.LooksSecret;
        var variables = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["ds"] = interval.LogicalDate,
            ["ds_nodash"] = interval.LogicalDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            ["logical_date"] = interval.LogicalDate,
            ["data_interval_start"] = interval.Start.UtcDateTime,
            ["data_interval_end"] = interval.End.UtcDateTime,
            ["run_id"] = runId ?? string.Empty,
        };
        foreach (var (name, value) in parameters)
        {
            variables["params." + name] = value;
        }

        _variables = variables;
    }

    public DataInterval Interval { get; }

    public SecretMasker Secrets { get; }

    public static IReadOnlyList<string> BuiltInVariables { get; } =
        ["ds", "ds_nodash", "logical_date", "data_interval_start", "data_interval_end", "run_id", "params.<name>"];

    /// <summary>The filters an expression may apply, e.g. <c>{{ ds | date('%Y/%m/%d') }}</c>.</summary>
    public static IReadOnlyList<string> Filters { get; } = [TemplateFilters.Date];

    /// <summary>Expands templates into plain text, for paths, URLs and other non-SQL options.</summary>
    public string Render(string text, SourceLocation location) =>
        // One pass over both forms, so a value (a secret with "{{" in it) is never expanded again.
        AnyReference().Replace(text, m => m.Groups["name"].Success
            ? FormatText(Evaluate(m, location))
            : ResolveEnvironment(EnvironmentReference().Match(m.Value), location));

    /// <summary>
    /// Compiles SQL with templates into SQL with placeholders. A template that is a whole string
    /// literal (<c>'{{ ds }}'</c>) becomes one parameter; one inside a longer literal becomes a concatenation.
    /// </summary>
    public SqlTemplate RenderSql(string sql, SourceLocation location, Func<string, string> placeholder)
    {
        var parameters = new List<SqlParameterValue>();
        var output = new StringBuilder(sql.Length);
        string Bind(object value)
        {
            var name = "p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add(new SqlParameterValue(name, value));
            return placeholder(name);
        }

        var i = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '\'')
            {
                i = CompileLiteral(sql, i, output, location, Bind);
            }
            else if (SkipVerbatim(sql, i) is var end && end > i)
            {
                // Comments and quoted identifiers pass through untouched: an apostrophe in a
                // comment is not the start of a string.
                output.Append(sql, i, end - i);
                i = end;
            }
            else if (TryMatchTemplate(sql, i, location, out var value, out var length))
            {
                output.Append(Bind(value));
                i += length;
            }
            else
            {
                output.Append(sql[i]);
                i++;
            }
        }

        return new SqlTemplate(output.ToString(), parameters);
    }

    private static int SkipVerbatim(string sql, int i)
    {
        if (sql[i] == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
        {
            var newline = sql.IndexOf('\n', i);
            return newline < 0 ? sql.Length : newline;
        }

        if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
        {
            var close = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
            return close < 0 ? sql.Length : close + 2;
        }

        if (sql[i] == '"')
        {
            var close = i + 1;
            while (close < sql.Length)
            {
                if (sql[close] == '"' && close + 1 < sql.Length && sql[close + 1] == '"')
                {
                    close += 2;
                }
                else if (sql[close] == '"')
                {
                    return close + 1;
                }
                else
                {
                    close++;
                }
            }

            return sql.Length;
        }

        return i;
    }

    private int CompileLiteral(string sql, int start, StringBuilder output, SourceLocation location, Func<object, string> bind)
    {
        var parts = new List<string>();
        var text = new StringBuilder();
        var i = start + 1;
        while (i < sql.Length)
        {
            if (sql[i] == '\'' && i + 1 < sql.Length && sql[i + 1] == '\'')
            {
                text.Append("''");
                i += 2;
            }
            else if (sql[i] == '\'')
            {
                i++;
                break;
            }
            else if (TryMatchTemplate(sql, i, location, out var value, out var length))
            {
                if (text.Length > 0)
                {
                    parts.Add("'" + text + "'");
                    text.Clear();
                }

                parts.Add($"CAST({bind(value)} AS VARCHAR)");
                i += length;
            }
            else
            {
                text.Append(sql[i]);
                i++;
            }
        }

        if (parts.Count == 0)
        {
            output.Append('\'').Append(text).Append('\'');
            return i;
        }

        if (text.Length > 0)
        {
            parts.Add("'" + text + "'");
        }

        output.Append(parts.Count == 1 ? parts[0] : "(" + string.Join(" || ", parts) + ")");
        return i;
    }

    private bool TryMatchTemplate(string sql, int index, SourceLocation location, out object value, out int length)
    {
        value = string.Empty;
        length = 0;
        if (sql[index] == '{' && index + 1 < sql.Length && sql[index + 1] == '{')
        {
            var match = Expression().Match(sql, index);
            if (match.Success && match.Index == index)
            {
                value = Evaluate(match, location);
                length = match.Length;
                return true;
            }
        }
        else if (sql[index] == '$' && index + 1 < sql.Length && sql[index + 1] == '{')
        {
            var match = EnvironmentReference().Match(sql, index);
            if (match.Success && match.Index == index)
            {
                value = ResolveEnvironment(match, location);
                length = match.Length;
                return true;
            }
        }

        return false;
    }

    /// <summary>The value of one <c>{{ }}</c> expression: its variable, through its filter if it has one.</summary>
    private object Evaluate(Match expression, SourceLocation location)
    {
        var name = expression.Groups["name"].Value;
        var value = Lookup(name, location);
        if (!expression.Groups["filter"].Success)
        {
            return value;
        }

        var argument = expression.Groups["arg"].Success ? expression.Groups["arg"].Value : null;
        if (TemplateFilters.Problem(expression.Value, name, value is DateOnly or DateTime, expression.Groups["filter"].Value, argument) is { } problem)
        {
            throw new NonRetryableException($"{location}: {problem}");
        }

        return TemplateFilters.FormatDate(value, argument!);
    }

    private object Lookup(string name, SourceLocation location)
    {
        if (_variables.TryGetValue(name, out var value))
        {
            return value;
        }

        var known = string.Join(", ", _variables.Keys.OrderBy(k => k, StringComparer.Ordinal));
        throw new NonRetryableException($"{location}: unknown template variable '{{{{ {name} }}}}'. Known variables: {known}.");
    }

    private string ResolveEnvironment(Match match, SourceLocation location)
    {
        var name = match.Groups[1].Value;
        var value = _environment(name);
        if (value is null && match.Groups[2].Success)
        {
            return match.Groups[2].Value;
        }

        if (value is null)
        {
            throw new NonRetryableException($"{location}: environment variable '{name}' is not set. Set it, or give a default with ${{{name}:-value}}.");
        }

        if (_isSecret(name))
        {
            Secrets.Register(value);
        }

        return value;
    }

    private static string FormatText(object value) => value switch
    {
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
