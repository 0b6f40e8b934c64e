-- A view cannot hold this run's date.
SELECT * FROM {{ ref('stg_order') }} WHERE order_date = {{ ds }}
