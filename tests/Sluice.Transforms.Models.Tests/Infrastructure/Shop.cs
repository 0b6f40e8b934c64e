namespace Sluice.Transforms.Models.Tests.Infrastructure;

/// <summary>
/// A small shop: daily order files and a customer file, extracted by files sources, and a
/// <c>transform: models</c> task over them. Tests write their own models into <c>models/</c>.
/// </summary>
internal static class Shop
{
    public const string Orders1 = "order_id,order_ts,customer_id,amount\n1,2024-03-01 09:00:00,C1,10.00\n2,2024-03-01 10:00:00,C2,20.00\n";

    /// <summary>A new order 3, and order 2 again with a corrected amount and a later timestamp.</summary>
    public const string Orders2 = "order_id,order_ts,customer_id,amount\n3,2024-03-02 08:00:00,C1,5.00\n2,2024-03-02 11:00:00,C2,25.00\n";

    public const string Customers = "customer_id,name\nC1,Ann\nC2,Bob\n";

    /// <summary>Writes the pipeline and the input files of both days. <paramref name="with"/> adds options to the models task.</summary>
    public static void Setup(TestProject project, string with = "", string output = "build_log", string inputs = "[raw_orders, raw_customers]")
    {
        project.Write("in/orders_2024-03-01.csv", Orders1);
        project.Write("in/orders_2024-03-02.csv", Orders2);
        project.Write("in/customers.csv", Customers);
        var manifest = output == "build_log" ? "\n      manifest: build_log" : string.Empty;
        project.Write("pipeline.yaml", $$$"""
            name: shop
            params:
              label: "O'Hare; DROP TABLE x"
            tasks:
              extract_orders:
                source: files
                output: raw_orders
                with:
                  path: "in/orders_{{ ds }}.csv"
                  columns:
                    order_id: BIGINT
                    order_ts: TIMESTAMP
                    customer_id: VARCHAR
                    amount: DECIMAL(10,2)
              extract_customers:
                source: files
                output: raw_customers
                with: { path: in/customers.csv }
              build:
                transform: models
                inputs: {{{inputs}}}
                output: {{{output}}}
                with:
                  path: models
                  database: wh.duckdb{{{manifest}}}{{{with}}}
            """);
    }

    /// <summary>Views over the staged inputs, the usual first layer.</summary>
    public static void StagingModels(TestProject project)
    {
        project.Write("models/staging/stg_orders.sql", """
            -- Orders as extracted, one row per order and day.
            SELECT order_id, order_ts, customer_id, amount
            FROM {{ source('raw_orders') }}
            """);
        project.Write("models/staging/stg_customers.sql", """
            -- materialized: view
            SELECT customer_id, name FROM {{ source('raw_customers') }}
            """);
    }
}
