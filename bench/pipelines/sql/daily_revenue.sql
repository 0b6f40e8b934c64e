-- Daily revenue, order count and unique customers per day and category, from the cleaned orders.
SELECT order_date, category,
       coalesce(sum(amount), 0)::DECIMAL(18,2) AS revenue,
       count(*) AS order_count,
       count(DISTINCT customer_id) AS unique_customers
FROM orders_clean
GROUP BY order_date, category
ORDER BY order_date, category
