-- materialized: incremental
-- incremental_strategy: delete_insert
SELECT * FROM {{ ref('stg_orders') }}
WHERE order_date > (SELECT max(order_date) FROM {{ this }})
