-- Every order ever seen, one row per order. Re-running a day replaces that day's orders.
-- materialized: incremental
-- unique_key: order_id
SELECT order_id, order_date, customer_id, amount
FROM {{ ref('stg_orders') }}
