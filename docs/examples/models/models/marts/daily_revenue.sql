-- Revenue per day, always current: a view over the fact table.
SELECT order_date, count(*) AS orders, sum(amount) AS revenue
FROM {{ ref('fct_orders') }}
GROUP BY order_date
