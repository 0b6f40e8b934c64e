-- The interval in which each customer ordered for the first time. Only customers not yet in
-- the table are added, so re-running a day adds nothing.
-- materialized: incremental
SELECT customer_id, {{ ds }} AS first_order_for, min(order_id) AS first_order_id
FROM {{ ref('stg_orders') }}
{% if is_incremental %}
WHERE customer_id NOT IN (SELECT customer_id FROM {{ this }})
{% endif %}
GROUP BY customer_id
