using Npgsql;
using Sluice.Engine.DuckDb;
using Sluice.Incremental;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// Turns a source's command into its incremental read: the query wrapped with the cursor bounds as
/// parameters, in cursor order. The highest cursor is read first in the same REPEATABLE READ
/// snapshot as the rows, so a row committed between the two statements is in neither and the next
/// run, reading from that highest value, finds it.
/// </summary>
internal static class PostgresIncremental
{
    public static async Task<CursorValue?> ApplyAsync(IncrementalRead read, NpgsqlCommand command, NpgsqlTransaction snapshot, IReadOnlyList<SourceColumn> columns, string where, CancellationToken cancellationToken)
    {
        var column = read.ResolveColumn(columns.Select(c => c.Name).ToList(), where);
        var staged = columns.First(c => c.Name == column).StagedType;
        var parameters = read.Parameters(value => Typed(value, staged));
        var inner = command.CommandText;
        command.Transaction = snapshot;

        await using (var max = new NpgsqlCommand(read.WrapMax(inner, column, SqlText.Identifier, Placeholder), command.Connection, snapshot))
        {
            CopyParameters(command, max);
            Bind(max, parameters);
            command.CommandText = read.Wrap(inner, column, SqlText.Identifier, Placeholder);
            Bind(command, parameters);
            var highest = await max.ExecuteScalarAsync(cancellationToken);
            return highest is null or DBNull ? null : CursorValue.From(highest);
        }
    }

    private static string Placeholder(string name) => "@" + name;

    /// <summary>
    /// A timestamp bound goes as the column's own type: UTC for timestamptz, unzoned for timestamp, so the
    /// comparison never depends on the session's time zone.
    /// </summary>
    private static object Typed(object value, string stagedType) => value switch
    {
        DateTime t when stagedType == "TIMESTAMPTZ" => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        DateTime t when stagedType == "TIMESTAMP" => DateTime.SpecifyKind(t, DateTimeKind.Unspecified),
        _ => value,
    };

    private static void CopyParameters(NpgsqlCommand from, NpgsqlCommand to)
    {
        foreach (NpgsqlParameter parameter in from.Parameters)
        {
            to.Parameters.Add(new NpgsqlParameter(parameter.ParameterName, parameter.Value));
        }
    }

    private static void Bind(NpgsqlCommand command, IReadOnlyList<(string Name, object Value)> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value));
        }
    }
}
