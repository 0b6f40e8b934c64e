// The C# twin of docs/examples/mini_sales.yaml (see docs/csharp-builder.md, whose C# blocks are this
// file's parts; a test compiles them against the packed libraries). From the repository root:
//   dotnet run docs/examples/csharp/MiniSales.cs -- 2024-03-01
#:project ../../../src/Sluice.Hosting/Sluice.Hosting.csproj
#:project ../../../src/Sluice.Connectors.Files/Sluice.Connectors.Files.csproj
#:project ../../../src/Sluice.Connectors.DuckDb/Sluice.Connectors.DuckDb.csproj
#:project ../../../src/Sluice.Connectors.Parquet/Sluice.Connectors.Parquet.csproj

using System.Globalization;
using Sluice.Building;
using Sluice.Connectors;
using Sluice.Connectors.DuckDb;
using Sluice.Connectors.Files;
using Sluice.Connectors.Parquet;
using Sluice.Engine.DuckDb;
using Sluice.Execution;
using Sluice.Hosting;
using Sluice.Model;
using Sluice.State;

var pipeline = PipelineBuilder.Create("mini_sales")
    .Description("Daily revenue from the sales example's raw order files.")
    .BaseDirectory("..")                                 // relative to this file's folder, like a YAML file's paths
    .MaxParallelTasks(2)
    .Retries(2, delay: TimeSpan.FromSeconds(1))          // the YAML 'defaults:'
    .Parameter("currency", "EUR")
    .Dataset("daily_revenue", d => d
        .Column("order_date", "DATE")
        .Column("currency", "VARCHAR")
        .Column("revenue", "DECIMAL(18,2)")
        .Column("orders", "BIGINT"))
    .Source("extract_orders", "files", t => t
        .Output("raw_orders")
        .Quarantine()                                    // on_bad_rows: quarantine
        .With("path", "../../examples/sales/data/orders/orders_{{ ds }}.csv"))
    .Transform("daily_revenue", "sql", t => t
        .Input("raw_orders")
        .Output("daily_revenue")
        .With("sql", """
            SELECT {{ ds }} AS order_date, {{ params.currency }} AS currency,
                   CAST(coalesce(sum(amount), 0) AS DECIMAL(18,2)) AS revenue, count(DISTINCT order_id) AS orders
            FROM raw_orders
            """))
    .Sink("load_daily_revenue", "duckdb", t => t
        .Input("daily_revenue")
        .With("database", "out/mini.duckdb")
        .With("table", "daily_revenue")
        .With("mode", "upsert")
        .With("key", "order_date"))
    .Build();

// The same text 'sluice show docs/examples/mini_sales.yaml' prints.
Console.Write(PipelineDescriber.Describe(pipeline));

// The connectors the pipeline may name, and the state folder (run history, staged datasets).
var settings = DuckDbSettings.Default;
var catalog = new ConnectorCatalog()
    .Add(new FilesSource(settings))
    .Add(new SqlTransform(settings))
    .Add(new DuckDbSink(settings))
    .Add(new ParquetLakeSink(settings));
var sluice = SluiceInstance.Create(catalog, new SluiceOptions { StateDirectory = Environment.GetEnvironmentVariable("SLUICE_STATE_DIR") ?? ".sluice" });

var date = DateOnly.ParseExact(args.Length > 0 ? args[0] : "2024-03-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
var outcome = await sluice.RunAsync(pipeline, new RunRequest { LogicalDate = date }, new ConsoleObserver());
(outcome.Succeeded ? Console.Out : Console.Error).WriteLine(outcome.Message);
return outcome.ExitCode;

/// <summary>Prints state changes and task log lines, like the CLI's plain output.</summary>
internal sealed class ConsoleObserver : IRunObserver
{
    public void TaskChanged(TaskInstanceRecord task)
    {
        if (task.State is TaskState.Success or TaskState.Failed or TaskState.UpstreamFailed)
        {
            Console.WriteLine($"[{task.TaskId}] {task.State}: {task.RowsWritten} rows written{(task.Error is { } e ? $", {e}" : string.Empty)}");
        }
    }

    public void Log(string taskId, string message) => Console.WriteLine($"[{taskId}] {message}");
}
