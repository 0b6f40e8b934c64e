using System.Text;
using System.Text.RegularExpressions;
using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Transforms.Models;

/// <summary>
/// Reads a model file: the config lines of its leading comment, then its SQL, in which
/// <c>{{ ref('m') }}</c>, <c>{{ source('d') }}</c>, <c>{{ this }}</c> and
/// <c>{% if is_incremental %} ... {% else %} ... {% endif %}</c> are recognised. Comments, string
/// literals and quoted identifiers are passed on untouched, except that run variables inside
/// literals are noted (the template renderer binds them there too).
/// </summary>
internal sealed partial class ModelParser
{
    private const string Supported =
        "Models support {{ ref('model') }}, {{ source('dataset') }}, {{ this }}, run variables such as {{ ds }}, and {% if is_incremental %} ... {% else %} ... {% endif %}.";

    private readonly string _sql;
    private readonly string _file;
    private readonly int[] _lineStarts;
    private readonly List<PipelineError> _errors = [];
    private readonly List<Segment> _segments = [];
    private readonly List<VariableUse> _variables = [];
    private readonly StringBuilder _text = new();
    private Branch _branch = Branch.Always;
    private SourceLocation? _openBlock;
    private SourceLocation? _blockStart;
    private bool _sawElse;
    private bool _sawCode;

    private ModelParser(string sql, string file)
    {
        _sql = sql;
        _file = file;
        var starts = new List<int> { 0 };
        for (var i = 0; i < sql.Length; i++)
        {
            if (sql[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = [.. starts];
    }

    public static ModelFile Parse(string name, string fullPath, string displayPath, string sql)
    {
        var parser = new ModelParser(sql.Replace("\r\n", "\n", StringComparison.Ordinal), displayPath);
        var config = parser.ReadConfig();
        parser.Tokenize();
        var model = new ModelFile
        {
            Name = name,
            FullPath = fullPath,
            DisplayPath = displayPath,
            Config = config,
            Segments = parser._segments,
            Variables = parser._variables,
            IncrementalBlock = parser._blockStart,
            Errors = parser._errors,
        };
        parser.CheckTemplatesFit(model);
        return model;
    }

    private SourceLocation At(int offset)
    {
        var line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new SourceLocation(_file, line + 1, offset - _lineStarts[line] + 1);
    }

    private void Error(SourceLocation location, string message) => _errors.Add(new PipelineError(location, message));

    private void Tokenize()
    {
        var i = 0;
        while (i < _sql.Length)
        {
            var c = _sql[i];
            var next = i + 1 < _sql.Length ? _sql[i + 1] : '\0';
            if (c == '-' && next == '-')
            {
                i = Verbatim(i, IndexOrEnd(_sql.IndexOf('\n', i)), code: false);
            }
            else if (c == '/' && next == '*')
            {
                var close = _sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = Verbatim(i, close < 0 ? _sql.Length : close + 2, code: false);
            }
            else if (c is '\'' or '"')
            {
                var end = EndOfQuoted(i, c);
                if (c == '\'')
                {
                    NoteVariablesInLiteral(i, end);
                }

                i = Verbatim(i, end, code: true);
            }
            else if (c == '{' && next == '{')
            {
                i = Expression(i);
            }
            else if (c == '{' && next == '%')
            {
                i = Block(i);
            }
            else if (c == '$' && next == '{' && EnvironmentReference().Match(_sql, i) is { Success: true } env && env.Index == i)
            {
                _variables.Add(new VariableUse(env.Groups[1].Value, true, At(i), _branch));
                i = Verbatim(i, i + env.Length, code: true);
            }
            else
            {
                _sawCode |= !char.IsWhiteSpace(c) && c != ';';
                _text.Append(c);
                i++;
            }
        }

        if (_openBlock is not null)
        {
            Error(_openBlock, "{% if is_incremental %} is not closed. Add {% endif %} after the SQL it guards.");
        }

        Flush();
    }

    private static int IndexOrEnd(int index) => index < 0 ? int.MaxValue : index;

    private int Verbatim(int start, int end, bool code)
    {
        end = Math.Min(end, _sql.Length);
        _text.Append(_sql, start, end - start);
        _sawCode |= code;
        return end;
    }

    private int EndOfQuoted(int start, char quote)
    {
        var i = start + 1;
        while (i < _sql.Length)
        {
            if (_sql[i] == quote && i + 1 < _sql.Length && _sql[i + 1] == quote)
            {
                i += 2;
            }
            else if (_sql[i] == quote)
            {
                return i + 1;
            }
            else
            {
                i++;
            }
        }

        return _sql.Length;
    }

    private void NoteVariablesInLiteral(int start, int end)
    {
        var literal = _sql[start..end];
        foreach (Match m in VariableReference().Matches(literal))
        {
            _variables.Add(new VariableUse(m.Groups[1].Value, false, At(start + m.Index), _branch));
        }

        foreach (Match m in EnvironmentReference().Matches(literal))
        {
            _variables.Add(new VariableUse(m.Groups[1].Value, true, At(start + m.Index), _branch));
        }
    }

    private void Flush()
    {
        if (_text.Length > 0)
        {
            _segments.Add(new TextSegment(_text.ToString(), _branch));
            _text.Clear();
        }
    }

    private int Expression(int start)
    {
        var location = At(start);
        var close = _sql.IndexOf("}}", start + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            Error(location, "'{{' is not closed with '}}'.");
            return Verbatim(start, _sql.Length, code: true);
        }

        var inner = _sql[(start + 2)..close].Trim();
        var end = close + 2;
        _sawCode = true;
        if (Call().Match(inner) is { Success: true } call)
        {
            var function = call.Groups[1].Value;
            var argument = call.Groups[3].Value;
            Flush();
            if (function == "ref")
            {
                _segments.Add(new RefSegment(argument, location, _branch));
            }
            else
            {
                _segments.Add(new SourceSegment(argument, location, _branch));
            }

            return end;
        }

        if (inner == "this")
        {
            Flush();
            _segments.Add(new ThisSegment(location, _branch));
            return end;
        }

        if (inner is "is_incremental" or "is_incremental()")
        {
            Error(location, "is_incremental is a condition, not a value: write {% if is_incremental %} ... {% endif %}.");
            return end;
        }

        if (VariableName().IsMatch(inner))
        {
            // A run variable: left in place for the template renderer, which binds it as a parameter.
            _variables.Add(new VariableUse(inner, false, location, _branch));
            return Verbatim(start, end, code: true);
        }

        Error(location, $"unsupported template expression '{{{{ {inner} }}}}'. {Supported}");
        return end;
    }

    private int Block(int start)
    {
        var location = At(start);
        var close = _sql.IndexOf("%}", start + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            Error(location, "'{%' is not closed with '%}'.");
            return _sql.Length;
        }

        var inner = Whitespace().Replace(_sql[(start + 2)..close].Trim(), " ");
        Flush();
        switch (inner)
        {
            case "if is_incremental" or "if is_incremental()" when _openBlock is null:
                _openBlock = location;
                _blockStart ??= location;
                _sawElse = false;
                _branch = Branch.Incremental;
                break;
            case "if is_incremental" or "if is_incremental()":
                Error(location, $"{{% if is_incremental %}} blocks cannot be nested (one is open since line {_openBlock!.Line}).");
                break;
            case "else" when _openBlock is not null && !_sawElse:
                _sawElse = true;
                _branch = Branch.Full;
                break;
            case "endif" when _openBlock is not null:
                _openBlock = null;
                _branch = Branch.Always;
                break;
            case "else" or "endif":
                Error(location, $"{{% {inner} %}} without an open {{% if is_incremental %}}.");
                break;
            default:
                Error(location, $"unsupported block '{{% {inner} %}}'. {Supported}");
                break;
        }

        // The tag itself disappears; its line breaks stay so line numbers do not move.
        var breaks = _sql[start..(close + 2)].Count(c => c == '\n');
        if (breaks > 0)
        {
            _segments.Add(new TextSegment(new string('\n', breaks), Branch.Always));
        }

        return close + 2;
    }

    /// <summary>Checks that need both the config and the SQL of this one file.</summary>
    private void CheckTemplatesFit(ModelFile model)
    {
        if (!_sawCode)
        {
            Error(model.Location, $"model '{model.Name}' has no SQL. Write one SELECT (or WITH ... SELECT) query.");
        }

        var materialized = model.Config.Materialized;
        if (materialized == Materialization.View)
        {
            foreach (var variable in model.Variables)
            {
                Error(variable.Location, $"view model '{model.Name}' uses {variable.Written}. A view is stored in the warehouse and evaluated later, without this run's values, and DuckDB cannot bind parameters in CREATE VIEW. Materialize the model as a table or incremental model ('-- materialized: table'), or filter in a table model that this view reads.");
            }
        }

        if (materialized != Materialization.Incremental)
        {
            if (model.IncrementalBlock is { } block)
            {
                Error(block, $"{{% if is_incremental %}} is only meaningful in an incremental model, and '{model.Name}' is a {ModelConfig.Word(materialized)}. Add '-- materialized: incremental' or remove the block.");
            }

            foreach (var self in model.Segments.OfType<ThisSegment>())
            {
                Error(self.Location, $"{{{{ this }}}} is the existing table of an incremental model, and '{model.Name}' is a {ModelConfig.Word(materialized)}. Use {{{{ ref('name') }}}} for other models.");
            }
        }
        else
        {
            foreach (var self in model.Segments.OfType<ThisSegment>().Where(s => s.Branch != Branch.Incremental))
            {
                Error(self.Location, "{{ this }} exists only when rows are added to an existing table; use it inside {% if is_incremental %} ... {% endif %}.");
            }
        }
    }


    [GeneratedRegex(@"^\s*--\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*?)\s*$")]
    private static partial Regex ConfigLine();

    [GeneratedRegex(@"^(ref|source)\s*\(\s*(['""])([^'""]+)\2\s*\)$")]
    private static partial Regex Call();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.]*$")]
    private static partial Regex VariableName();

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")]
    private static partial Regex EnvironmentReference();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
