-- Revenue per customer over all days loaded so far.
-- materialized: table
SELECT f.customer_id, d.name, count(*) AS orders, sum(f.amount) AS revenue
FROM {{ ref('fct_orders') }} AS f
LEFT JOIN {{ ref('dim_customers') }} AS d USING (customer_id)
GROUP BY ALL
ORDER BY f.customer_id
