-- Cleans one day of raw orders:
--  * keeps the orders of this data interval only;
--  * drops exact duplicate rows and repeated order ids (first occurrence wins);
--  * normalises emails (trim, lower case) and category spellings (elec, CLOTHING, toys...);
--  * fills a missing amount from quantity x list price, and corrects amounts above
--    outlier_factor x list price (data-entry errors), recording which rule applied.
WITH in_interval AS (
    SELECT *
    FROM raw_orders
    WHERE order_ts >= {{ data_interval_start }} AND order_ts < {{ data_interval_end }}
),
deduplicated AS (
    SELECT *
    FROM in_interval
    QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY order_ts) = 1
),
normalised AS (
    SELECT o.order_id, o.order_ts, CAST(o.order_ts AS DATE) AS order_date, o.customer_id,
           lower(trim(o.customer_email)) AS customer_email, o.product_id, o.quantity, o.amount,
           CASE lower(trim(o.category))
               WHEN 'elec' THEN 'Electronics' WHEN 'electronic' THEN 'Electronics' WHEN 'electronics' THEN 'Electronics'
               WHEN 'cloth' THEN 'Clothing' WHEN 'clothes' THEN 'Clothing' WHEN 'clothing' THEN 'Clothing'
               WHEN 'home' THEN 'Home'
               WHEN 'book' THEN 'Books' WHEN 'books' THEN 'Books'
               WHEN 'toy' THEN 'Toys' WHEN 'toys' THEN 'Toys'
               WHEN 'grocery' THEN 'Grocery' WHEN 'groceries' THEN 'Grocery'
               ELSE 'Unknown'
           END AS category,
           o.quantity * p.unit_price AS list_amount
    FROM deduplicated o
    LEFT JOIN raw_products p USING (product_id)
)
SELECT order_id, order_ts, order_date, customer_id, customer_email, product_id, category, quantity,
       CAST(CASE
           WHEN amount IS NULL THEN list_amount
           WHEN list_amount IS NOT NULL AND amount > list_amount * CAST({{ params.outlier_factor }} AS DOUBLE) THEN list_amount
           ELSE amount
       END AS DECIMAL(12,2)) AS amount,
       CASE
           WHEN amount IS NULL THEN 'filled_from_list_price'
           WHEN list_amount IS NOT NULL AND amount > list_amount * CAST({{ params.outlier_factor }} AS DOUBLE) THEN 'corrected_outlier'
           ELSE 'reported'
       END AS amount_source
FROM normalised
