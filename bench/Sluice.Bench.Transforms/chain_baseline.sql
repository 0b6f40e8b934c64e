-- Part "chain" of sluice-bench-transforms (issue #10): the reference eight-step chain as the one DuckDB
-- statement a data engineer would write by hand, reading the same CSV. {csv} and {out} are SQL
-- literals, {ws} the characters str.strip() removes from ASCII text. No count of unmapped values:
-- the difference to the steps is what Sluice's counting and staging cost.
COPY (
    WITH raw AS (
        SELECT * FROM read_csv({csv}, header = true, columns = {
            'order_id': 'BIGINT', 'customer_id': 'BIGINT', 'order_ts': 'TIMESTAMP', 'email': 'VARCHAR', 'category': 'VARCHAR',
            'amount': 'DOUBLE', 'quantity': 'INTEGER', 'status': 'VARCHAR', 'order_date': 'VARCHAR'})
    ),
    unique_rows AS (SELECT DISTINCT * FROM raw),
    filled AS (
        SELECT * REPLACE (coalesce(quantity, 1) AS quantity, coalesce(amount, (SELECT median(amount) FROM unique_rows)) AS amount)
        FROM unique_rows
    ),
    bounds AS (
        SELECT q1 - 1.5 * (q3 - q1) AS low, q3 + 1.5 * (q3 - q1) AS high
        FROM (SELECT quantile_cont(amount, 0.25) AS q1, quantile_cont(amount, 0.75) AS q3 FROM filled)
    ),
    clean AS (
        SELECT CAST(try_strptime(trim(order_date, {ws}), '%Y-%m-%d') AS DATE) AS order_date,
               lower(trim(email, {ws})) AS email,
               CASE lower(trim(category, {ws}))
                   WHEN 'elec' THEN 'Electronics' WHEN 'electronics' THEN 'Electronics' WHEN 'toys' THEN 'Toys'
                   WHEN 'garden' THEN 'Garden' WHEN 'books' THEN 'Books' WHEN 'clothing' THEN 'Clothing'
                   ELSE category END AS category,
               amount, order_id
        FROM filled, bounds
        WHERE NOT coalesce(amount < low OR amount > high, false)
    )
    SELECT order_date, category, round(sum(amount), 2) AS revenue, count(order_id) AS orders, count(DISTINCT email) AS customers
    FROM clean
    WHERE order_date IS NOT NULL AND category IS NOT NULL
    GROUP BY ALL
    ORDER BY order_date, category
) TO {out} (FORMAT parquet)
