-- The latest known name and city of each customer.
-- materialized: incremental
-- unique_key: customer_id
SELECT customer_id, name, city, {{ ds }} AS updated_for
FROM {{ ref('stg_customers') }}
