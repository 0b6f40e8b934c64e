-- Orders and revenue per customer for one data interval.
-- Input datasets are tables named after them: orders, customers.
WITH in_interval AS (
    SELECT *
    FROM orders
    WHERE order_date >= CAST({{ data_interval_start }} AS DATE)
      AND order_date < CAST({{ data_interval_end }} AS DATE)
)
SELECT {{ ds }} AS order_date, o.customer_id, any_value(c.name) AS name,
       count(*) AS orders, sum(o.amount) AS revenue
FROM in_interval o
LEFT JOIN customers c USING (customer_id)
GROUP BY o.customer_id
ORDER BY o.customer_id
