using System.Text;
using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Transforms.Models;

/// <summary>Which builds a piece of a model's SQL belongs to.</summary>
internal enum Branch
{
    Always,
    /// <summary>Inside <c>{% if is_incremental %}</c>: only when rows are added to an existing table.</summary>
    Incremental,
    /// <summary>Inside the <c>{% else %}</c> of that block: only on a full build.</summary>
    Full,
}

internal abstract record Segment(Branch Branch);

/// <summary>SQL text, passed on as written (run variables in it are bound later, by the template renderer).</summary>
internal sealed record TextSegment(string Text, Branch Branch) : Segment(Branch);

/// <summary><c>{{ ref('name') }}</c>: the relation of another model.</summary>
internal sealed record RefSegment(string Model, SourceLocation Location, Branch Branch) : Segment(Branch);

/// <summary><c>{{ source('dataset') }}</c>: an input dataset of the task, copied into the warehouse.</summary>
internal sealed record SourceSegment(string Dataset, SourceLocation Location, Branch Branch) : Segment(Branch);

/// <summary><c>{{ this }}</c>: the model's own existing table.</summary>
internal sealed record ThisSegment(SourceLocation Location, Branch Branch) : Segment(Branch);

/// <summary>A run variable (<c>{{ ds }}</c>) or environment variable (<c>${NAME}</c>) used by a model.</summary>
internal sealed record VariableUse(string Name, bool Environment, SourceLocation Location, Branch Branch)
{
    public string Written => Environment ? $"${{{Name}}}" : $"{{{{ {Name} }}}}";
}

/// <summary>
/// One <c>.sql</c> model: its name (the file name), its config, and its SQL cut into text and
/// template references. Problems that one file can show on its own are in <see cref="Errors"/>,
/// each with the file, line and column.
/// </summary>
internal sealed class ModelFile
{
    public required string Name { get; init; }

    public required string FullPath { get; init; }

    /// <summary>The path as errors show it.</summary>
    public required string DisplayPath { get; init; }

    public required ModelConfig Config { get; init; }

    public required IReadOnlyList<Segment> Segments { get; init; }

    public required IReadOnlyList<VariableUse> Variables { get; init; }

    /// <summary>Where the <c>{% if is_incremental %}</c> block starts, if there is one.</summary>
    public SourceLocation? IncrementalBlock { get; init; }

    public required IReadOnlyList<PipelineError> Errors { get; init; }

    public SourceLocation Location => new(DisplayPath, 1, 1);

    public IEnumerable<RefSegment> Refs => Segments.OfType<RefSegment>();

    public IEnumerable<SourceSegment> Sources => Segments.OfType<SourceSegment>();

    public IEnumerable<string> Upstream => Refs.Select(r => r.Model).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// The SQL of one build, with refs, sources and <c>{{ this }}</c> replaced by quoted relations. The
    /// branch that does not apply is replaced by its line breaks only, so DuckDB's line numbers stay
    /// those of the file.
    /// </summary>
    public string Render(bool incremental, Func<string, string> model, Func<string, string> source, string self)
    {
        var sql = new StringBuilder();
        foreach (var segment in Segments)
        {
            var applies = segment.Branch == Branch.Always || (segment.Branch == Branch.Incremental) == incremental;
            if (!applies)
            {
                if (segment is TextSegment skipped)
                {
                    sql.Append('\n', skipped.Text.Count(c => c == '\n'));
                }

                continue;
            }

            sql.Append(segment switch
            {
                TextSegment t => t.Text,
                RefSegment r => model(r.Model),
                SourceSegment s => source(s.Dataset),
                ThisSegment => self,
                _ => string.Empty,
            });
        }

        return sql.ToString();
    }
}
