-- Part 1 baselines: for each task of steps_bench.yaml, the DuckDB SQL a user would write by hand to
-- get the same output file (same columns, types, rows and row order; the bench checks this on every
-- run). sluice-bench-transforms runs each section as
--   COPY (<section>) TO '<out>.parquet' (FORMAT parquet, COMPRESSION snappy)
-- on a fresh DuckDB.NET connection with Sluice's engine settings, over the very Parquet files the
-- Sluice tasks read ({orders} and {customers} are the staged datasets' paths as SQL literals).
--
-- Row order: Sluice keeps the input order, as pandas does. DuckDB keeps it by itself through
-- projections and filters over one table (its "insertion order" guarantee), so those baselines need
-- no ORDER BY; joins, window functions and FROM over several relations do not keep it, so those
-- baselines number the rows (file_row_number) and sort at the end, as Sluice must too.
-- {ws} is the set of characters str.strip() removes from ASCII text, as in Sluice's normalize.

-- @drop_duplicates
SELECT * EXCLUDE (file_row_number)
FROM read_parquet({orders}, file_row_number = true)
QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY file_row_number) = 1
ORDER BY file_row_number

-- @fill_null_constant
SELECT * REPLACE (coalesce(quantity, 1) AS quantity, coalesce(status, 'unknown') AS status)
FROM read_parquet({orders})

-- @fill_null_mean
SELECT o.* EXCLUDE (file_row_number) REPLACE (coalesce(o.amount, m.mean) AS amount)
FROM read_parquet({orders}, file_row_number = true) AS o,
     (SELECT avg(amount) AS mean FROM read_parquet({orders})) AS m
ORDER BY o.file_row_number

-- @fill_null_previous
SELECT * EXCLUDE (file_row_number) REPLACE (
    coalesce(amount, last_value(amount IGNORE NULLS) OVER (ORDER BY file_row_number ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS amount)
FROM read_parquet({orders}, file_row_number = true)
ORDER BY file_row_number

-- @drop_null
SELECT * FROM read_parquet({orders}) WHERE customer_id IS NOT NULL AND amount IS NOT NULL

-- @outliers_iqr
SELECT o.* EXCLUDE (file_row_number)
FROM read_parquet({orders}, file_row_number = true) AS o,
     (SELECT quantile_cont(amount, 0.25) AS q1, quantile_cont(amount, 0.75) AS q3 FROM read_parquet({orders})) AS b
WHERE NOT coalesce(o.amount < b.q1 - 1.5 * (b.q3 - b.q1) OR o.amount > b.q3 + 1.5 * (b.q3 - b.q1), false)
ORDER BY o.file_row_number

-- @normalize
SELECT * REPLACE (
    lower(trim(email, {ws})) AS email,
    CAST(try_strptime(trim(order_date, {ws}), '%Y-%m-%d') AS DATE) AS order_date)
FROM read_parquet({orders})

-- @map_values
SELECT * REPLACE (
    CASE lower(trim(category, {ws}))
        WHEN 'elec' THEN 'Electronics' WHEN 'electronics' THEN 'Electronics' WHEN 'toys' THEN 'Toys'
        WHEN 'garden' THEN 'Garden' WHEN 'books' THEN 'Books' WHEN 'clothing' THEN 'Clothing'
        ELSE category END AS category)
FROM read_parquet({orders})

-- @derive
SELECT *, amount * quantity AS total, amount / nullif(quantity, 0) AS unit_price, amount > 100 AS is_big
FROM read_parquet({orders})

-- @join
SELECT o.* EXCLUDE (file_row_number), c.segment, c.country
FROM read_parquet({orders}, file_row_number = true) AS o
LEFT JOIN read_parquet({customers}) AS c ON o.customer_id = c.customer_id
ORDER BY o.file_row_number

-- @aggregate
SELECT category, date_trunc('day', order_ts) AS day,
       coalesce(sum(amount), 0) AS revenue, count(*) AS orders,
       count(DISTINCT customer_id) AS customers, avg(amount) AS avg_amount
FROM read_parquet({orders})
WHERE category IS NOT NULL AND date_trunc('day', order_ts) IS NOT NULL
GROUP BY ALL
ORDER BY category, day

-- @filter
SELECT * FROM read_parquet({orders}) WHERE amount > 0 AND status <> 'cancelled'

-- @select_rename_cast
SELECT order_id, customer_id, CAST(order_ts AS DATE) AS order_ts,
       CAST(amount AS DECIMAL(12,2)) AS amount_eur, CAST(quantity AS BIGINT) AS quantity
FROM read_parquet({orders})

-- @chain
-- The reference eight-step chain (issue #10) as one statement; chain_baseline.sql is the same over the CSV.
WITH unique_rows AS (SELECT DISTINCT * FROM read_parquet({orders})),
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
