-- The day's orders as extracted, without refunds. A view: nothing is copied.
-- materialized: view
SELECT order_id, order_date, customer_id, amount
FROM {{ source('orders') }}
WHERE status <> 'refunded'
