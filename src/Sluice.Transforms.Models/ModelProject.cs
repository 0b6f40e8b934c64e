using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Transforms.Models;

/// <summary>
/// Every model of a folder, checked together: names are unique, refs name models, sources name
/// inputs of the task, variables exist, and the refs form no cycle. Gives the build order.
/// </summary>
internal sealed class ModelProject
{
    private readonly Dictionary<string, ModelFile> _byName;

    private ModelProject(IReadOnlyList<ModelFile> models, IReadOnlyList<PipelineError> errors)
    {
        Models = models;
        Errors = errors;
        _byName = new Dictionary<string, ModelFile>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            _byName.TryAdd(model.Name, model);
        }
    }

    /// <summary>The models, sorted by path.</summary>
    public IReadOnlyList<ModelFile> Models { get; }

    public IReadOnlyList<PipelineError> Errors { get; }

    public IEnumerable<string> Names => _byName.Keys;

    public ModelFile? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// Reads and checks every <c>.sql</c> file below <paramref name="folder"/>. <paramref name="inputs"/> are
    /// the datasets <c>source()</c> may name; <paramref name="variables"/> the run variables that exist.
    /// </summary>
    public static ModelProject Load(string folder, SourceLocation pathOption, IReadOnlyCollection<string> inputs, IReadOnlyCollection<string> variables)
    {
        var errors = new List<PipelineError>();
        if (!Directory.Exists(folder))
        {
            errors.Add(new(pathOption, $"the models folder '{folder}' does not exist (path is relative to the pipeline file's folder)."));
            return new ModelProject([], errors);
        }

        var models = new List<ModelFile>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.sql", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var model = ModelParser.Parse(name, file, DisplayPath(file), File.ReadAllText(file));
            errors.AddRange(model.Errors);
            if (!ModelName.IsValid(name))
            {
                errors.Add(new(model.Location, $"model name '{name}' (the file name) must start with a letter or '_' and use only letters, digits, '_' and '-'. Rename the file."));
            }

            if (models.FirstOrDefault(m => m.Name == name) is { } first)
            {
                errors.Add(new(model.Location, $"two models are named '{name}': this file and {first.DisplayPath}. Model names are file names and must be unique across subfolders."));
                continue;
            }

            models.Add(model);
        }

        if (models.Count == 0 && errors.Count == 0)
        {
            errors.Add(new(pathOption, $"the models folder '{folder}' has no .sql files. Add one model per file, for example stg_orders.sql."));
        }

        var project = new ModelProject(models, errors);
        project.CheckReferences(inputs, variables, errors);
        project.CheckCycles(errors);
        errors.Sort((a, b) => string.CompareOrdinal(a.Location.File, b.Location.File) is var byFile and not 0
            ? byFile
            : (a.Location.Line, a.Location.Column).CompareTo((b.Location.Line, b.Location.Column)));
        return project;
    }

    /// <summary>
    /// The models to build, each after the models it refs. <paramref name="selection"/> (null: all) is
    /// widened to everything the selected models ref, directly or not.
    /// </summary>
    public IReadOnlyList<ModelFile> BuildOrder(IReadOnlyCollection<string>? selection = null)
    {
        var wanted = selection is null ? Models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal) : Closure(selection);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<ModelFile>();
        var pending = Models.Where(m => wanted.Contains(m.Name)).ToList();
        while (pending.Count > 0)
        {
            // Layer by layer, each layer in path order: the log reads like the DAG, staging before marts.
            var layer = pending.Where(m => m.Upstream.Where(_byName.ContainsKey).All(done.Contains)).ToList();
            if (layer.Count == 0)
            {
                throw new InvalidOperationException("the models form a cycle; validation should have refused them.");
            }

            order.AddRange(layer);
            done.UnionWith(layer.Select(m => m.Name));
            pending.RemoveAll(layer.Contains);
        }

        return order;
    }

    private HashSet<string> Closure(IEnumerable<string> selection)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(selection.Where(_byName.ContainsKey));
        while (stack.TryPop(out var name))
        {
            if (wanted.Add(name))
            {
                foreach (var upstream in _byName[name].Upstream.Where(_byName.ContainsKey))
                {
                    stack.Push(upstream);
                }
            }
        }

        return wanted;
    }

    private void CheckReferences(IReadOnlyCollection<string> inputs, IReadOnlyCollection<string> variables, List<PipelineError> errors)
    {
        foreach (var model in Models)
        {
            foreach (var reference in model.Refs.Where(r => !_byName.ContainsKey(r.Model)))
            {
                errors.Add(new(reference.Location, $"model '{model.Name}' refs " + Suggestions.UnknownName("model", reference.Model, Names) + " A model is a .sql file in the models folder, named without '.sql'."));
            }

            foreach (var source in model.Sources.Where(s => !inputs.Contains(s.Dataset)))
            {
                errors.Add(new(source.Location, $"model '{model.Name}' reads source('{source.Dataset}'), which is not an input of this task. "
                    + (inputs.Count == 0 ? "The task has no inputs; add the dataset to 'inputs'." : $"Add it to 'inputs' (now: {string.Join(", ", inputs)}).")));
            }

            foreach (var variable in model.Variables.Where(v => !v.Environment && !variables.Contains(v.Name)))
            {
                errors.Add(new(variable.Location, $"model '{model.Name}': " + Suggestions.UnknownName("template variable", variable.Name, variables)));
            }
        }
    }

    private void CheckCycles(List<PipelineError> errors)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();

        void Visit(ModelFile model)
        {
            state[model.Name] = 1;
            stack.Add(model.Name);
            foreach (var reference in model.Refs.Where(r => _byName.ContainsKey(r.Model)))
            {
                switch (state.GetValueOrDefault(reference.Model))
                {
                    case 1:
                        var start = stack.IndexOf(reference.Model);
                        var names = stack.Skip(start).Append(reference.Model);
                        var hint = start == stack.Count - 1
                            ? " A model cannot ref itself; an incremental model reads its existing table with {{ this }}."
                            : " Remove one of these refs.";
                        errors.Add(new(reference.Location, $"the models form a cycle: {string.Join(" -> ", names)} (each arrow is a ref).{hint}"));
                        break;
                    case 0:
                        Visit(_byName[reference.Model]);
                        break;
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[model.Name] = 2;
        }

        foreach (var model in Models.Where(m => state.GetValueOrDefault(m.Name) == 0))
        {
            Visit(model);
        }
    }

    /// <summary>A path as errors show it: relative to the working folder when below it, else absolute.</summary>
    internal static string DisplayPath(string fullPath)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative;
    }
}

internal static partial class ModelName
{
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}
