using System.Runtime.CompilerServices;

namespace Sluice.Model;

/// <summary>
/// The DAG of a pipeline, computed once per definition: which task writes which dataset, each task's
/// upstream and downstream tasks, and a run order. Validation, the describer, the executor and the
/// scheduler all read it instead of recomputing the edges.
/// </summary>
public sealed class PipelineGraph
{
    private static readonly ConditionalWeakTable<PipelineDefinition, PipelineGraph> Cache = new();

    private readonly Dictionary<string, TaskDefinition> _tasks;
    private readonly Dictionary<string, string> _producers;
    private readonly Dictionary<string, IReadOnlyList<string>> _upstream;
    private readonly Dictionary<string, IReadOnlyList<string>> _downstream;
    private readonly Dictionary<string, int> _positions;

    private PipelineGraph(PipelineDefinition pipeline)
    {
        _tasks = pipeline.Tasks.GroupBy(t => t.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _producers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var task in pipeline.Tasks)
        {
            foreach (var output in task.AllOutputs)
            {
                _producers.TryAdd(output, task.Id);
            }
        }

        _upstream = pipeline.Tasks.GroupBy(t => t.Id, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<string>)g.First().Inputs.Where(_producers.ContainsKey).Select(i => _producers[i])
                .Concat(g.First().DependsOn.Where(_tasks.ContainsKey)).Distinct(StringComparer.Ordinal).ToList(),
            StringComparer.Ordinal);
        _downstream = _tasks.Keys.ToDictionary(
            id => id,
            id => (IReadOnlyList<string>)pipeline.Tasks.Where(t => _upstream[t.Id].Contains(id, StringComparer.Ordinal)).Select(t => t.Id).Distinct(StringComparer.Ordinal).ToList(),
            StringComparer.Ordinal);
        Cycle = FindCycle(pipeline.Tasks.Select(t => t.Id).Distinct(StringComparer.Ordinal).ToList());
        RunOrder = TopologicalOrder(pipeline);
        _positions = RunOrder.Select((t, i) => (t.Id, i)).DistinctBy(p => p.Id, StringComparer.Ordinal).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The graph of a pipeline; cached per definition instance (a <c>with</c> copy gets its own).</summary>
    public static PipelineGraph Of(PipelineDefinition pipeline) => Cache.GetValue(pipeline, p => new PipelineGraph(p));

    /// <summary>Tasks sorted so each comes after everything it depends on; ties keep file order; tasks in a cycle last, in file order.</summary>
    public IReadOnlyList<TaskDefinition> RunOrder { get; }

    /// <summary>A task's index in <see cref="RunOrder"/>, to put a few tasks in run order without walking it.</summary>
    public int RunPosition(string taskId) => _positions[taskId];

    /// <summary>The task with this id, or null.</summary>
    public TaskDefinition? Task(string taskId) => _tasks.GetValueOrDefault(taskId);

    /// <summary>A cycle among the tasks (first task repeated at the end), or null for a DAG.</summary>
    public IReadOnlyList<string>? Cycle { get; }

    /// <summary>The task that writes a dataset (its quarantine output included), or null.</summary>
    public string? ProducerOf(string dataset) => _producers.GetValueOrDefault(dataset);

    /// <summary>Tasks that must finish before this one: writers of its inputs and its <c>depends_on</c> tasks.</summary>
    public IReadOnlyList<string> Upstream(string taskId) => _upstream.GetValueOrDefault(taskId) ?? [];

    /// <summary>Tasks that read this one's outputs or depend on it directly.</summary>
    public IReadOnlyList<string> Downstream(string taskId) => _downstream.GetValueOrDefault(taskId) ?? [];

    /// <summary>Every task reachable downstream of the given ones, excluding them.</summary>
    public IReadOnlySet<string> Descendants(IEnumerable<string> taskIds)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(taskIds);
        var start = new HashSet<string>(queue, StringComparer.Ordinal);
        while (queue.TryDequeue(out var id))
        {
            foreach (var next in Downstream(id).Where(seen.Add))
            {
                queue.Enqueue(next);
            }
        }

        seen.ExceptWith(start);
        return seen;
    }

    private List<TaskDefinition> TopologicalOrder(PipelineDefinition pipeline)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<TaskDefinition>();
        while (order.Count < pipeline.Tasks.Count)
        {
            var next = pipeline.Tasks.FirstOrDefault(t => !done.Contains(t.Id) && Upstream(t.Id).All(done.Contains));
            if (next is null)
            {
                order.AddRange(pipeline.Tasks.Where(t => !done.Contains(t.Id)));
                break;
            }

            done.Add(next.Id);
            order.Add(next);
        }

        return order;
    }

    private List<string>? FindCycle(IReadOnlyList<string> ids)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();

        List<string>? Visit(string id)
        {
            state[id] = 1;
            stack.Add(id);
            foreach (var next in Upstream(id))
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    var cycle = stack.Skip(stack.IndexOf(next)).Append(next).ToList();
                    cycle.Reverse();
                    return cycle;
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                {
                    return found;
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[id] = 2;
            return null;
        }

        foreach (var id in ids)
        {
            if (state.GetValueOrDefault(id) == 0 && Visit(id) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }
}
