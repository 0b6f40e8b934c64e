-- Cleans the raw orders of the data interval (shared by the Sluice pipeline and the direct-DuckDB
-- baseline of sluice-bench, so both compute exactly the same rows):
--  * keeps the orders of this data interval only;
--  * dedupes by order_id with DISTINCT ON, a hash aggregate that spills to disk under the memory
--    limit. (QUALIFY row_number() OVER (PARTITION BY order_id ...) = 1, as in examples/sales, needs
--    memory that grows with the input: it ran out of a 2GB limit at 30M rows, and of 512MB at 10M.)
--    The generator's duplicates are exact copies, so whichever copy DISTINCT ON keeps is the same row;
--    data whose copies differ would need a rule such as arg_max(..., updated_at), also a hash aggregate;
--  * normalises emails (trim, lower case) and category spellings (elec, CLOTHING, toys...);
--  * fills a missing amount from quantity x list price (products join) and corrects amounts above
--    5 x list price (data-entry errors), recording which rule applied.
WITH in_interval AS (
    SELECT *
    FROM raw_orders
    WHERE order_ts >= {{ data_interval_start }} AND order_ts < {{ data_interval_end }}
),
deduplicated AS (
    SELECT DISTINCT ON (order_id) *
    FROM in_interval
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
           WHEN list_amount IS NOT NULL AND amount > list_amount * 5 THEN list_amount
           ELSE amount
       END AS DECIMAL(12,2)) AS amount,
       CASE
           WHEN amount IS NULL THEN 'filled_from_list_price'
           WHEN list_amount IS NOT NULL AND amount > list_amount * 5 THEN 'corrected_outlier'
           ELSE 'reported'
       END AS amount_source
FROM normalised
