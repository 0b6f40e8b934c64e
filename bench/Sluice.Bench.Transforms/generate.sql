-- Deterministic input data for sluice-bench-transforms (issue #4). Every value comes from hash() of
-- the row number, so the same --rows gives the same files on every run. sluice-bench-transforms runs
-- each section below (split at "-- @name") with {rows}, {customers}, {dim_rows} and {dir} filled in.

-- @orders
-- Raw orders with the messiness the steps exist for: every 40th row repeats the row before it
-- (2.5% exact duplicates), null customers, amounts and quantities, 0.5% amount outliers, e-mails
-- and categories with stray spaces, tabs and capitals, and dates as padded text with some garbage.
COPY (
    WITH r AS (
        SELECT n, CASE WHEN n % 40 = 39 THEN n - 1 ELSE n END AS src
        FROM range({rows}) AS t(n)
    ),
    h AS (
        SELECT n, src, hash(src) AS h, hash(src + 1000000000000) AS g FROM r
    ),
    v AS (
        SELECT n, src, h,
               g % 1000 AS p1, (g >> 10) % 1000 AS p2, (g >> 20) % 1000 AS p3, (g >> 30) % 1000 AS p4,
               ((h >> 8) % ({customers} + {customers} // 100) + 1)::BIGINT AS cust,
               TIMESTAMP '2024-03-01' + to_seconds((h % (31 * 86400))::BIGINT) AS ts
        FROM h
    )
    SELECT
        (src + 1)::BIGINT AS order_id,
        CASE WHEN p1 < 10 THEN NULL ELSE cust END AS customer_id,
        ts AS order_ts,
        CASE WHEN p4 < 5 THEN NULL
             ELSE concat(CASE WHEN p2 < 100 THEN '  ' WHEN p2 < 150 THEN chr(9) ELSE '' END,
                         CASE WHEN p3 < 200 THEN upper('user' || cust || '@example.com')
                              WHEN p3 < 300 THEN 'User' || cust || '@Example.com'
                              ELSE 'user' || cust || '@example.com' END,
                         CASE WHEN p2 BETWEEN 500 AND 599 THEN ' ' ELSE '' END)
        END AS email,
        CASE WHEN p1 BETWEEN 990 AND 994 THEN NULL
             ELSE ['elec', 'Electronics', ' ELECTRONICS ', 'electronics', 'toys', 'Toys ', 'TOYS', 'garden',
                   ' Garden', 'books', 'Books', 'BOOKS ', 'clothing', 'Clothing ', 'CLOTHING', 'misc'][((h >> 50) % 16 + 1)::BIGINT]
        END AS category,
        CASE WHEN p3 >= 980 THEN NULL
             WHEN p4 >= 995 THEN round(5000 + ((h >> 20) % 500000) / 100.0, 2)
             ELSE round(5 + ((h >> 20) % 20000) / 100.0, 2)
        END::DOUBLE AS amount,
        CASE WHEN p2 >= 970 THEN NULL ELSE 1 + (h >> 44) % 9 END::INTEGER AS quantity,
        CASE (h >> 54) % 10 WHEN 0 THEN 'cancelled' WHEN 1 THEN NULL WHEN 2 THEN 'shipped' WHEN 3 THEN 'refunded' ELSE 'paid' END AS status,
        CASE WHEN p4 < 8 THEN NULL
             WHEN p4 < 12 THEN 'n/a'
             WHEN p4 < 14 THEN ''
             WHEN p4 < 100 THEN ' ' || strftime(ts, '%Y-%m-%d') || ' '
             ELSE strftime(ts, '%Y-%m-%d')
        END AS order_date
    FROM v
    ORDER BY n
) TO '{dir}/orders.parquet' (FORMAT parquet, COMPRESSION snappy);

-- @orders_csv
-- The same rows as CSV, for pandas (Debian's python3-pandas has no pyarrow to read Parquet).
COPY (SELECT * FROM read_parquet('{dir}/orders.parquet')) TO '{dir}/orders.csv' (HEADER);

-- @customers
-- The right side of the join: one row per customer id; 1% of the orders' ids have no customer.
COPY (
    SELECT (c + 1)::BIGINT AS customer_id,
           'Customer ' || (c + 1) AS name,
           ['consumer', 'corporate', 'home office', 'small business'][(hash(c) % 4 + 1)::BIGINT] AS segment,
           ['DE', 'FR', 'NL', 'US', 'GB', 'ES', 'IT', 'PL'][((hash(c) >> 8) % 8 + 1)::BIGINT] AS country
    FROM range({customers}) AS t(c)
    ORDER BY c
) TO '{dir}/customers.parquet' (FORMAT parquet, COMPRESSION snappy);

-- @dim_day1
-- A customer dimension snapshot for the SCD2 load, as of 2024-03-01.
COPY (
    SELECT (c + 1)::BIGINT AS customer_id,
           'Customer ' || (c + 1) AS name,
           'customer' || (c + 1) || '@example.com' AS email,
           ['consumer', 'corporate', 'home office', 'small business'][(hash(c) % 4 + 1)::BIGINT] AS segment,
           ['Berlin', 'Paris', 'Amsterdam', 'Boston', 'London', 'Madrid', 'Rome', 'Warsaw'][((hash(c) >> 8) % 8 + 1)::BIGINT] AS city,
           DATE '2020-01-01' + ((hash(c) >> 16) % 1500)::INTEGER AS signup_date
    FROM range({dim_rows}) AS t(c)
    ORDER BY c
) TO '{dir}/dim_2024-03-01.parquet' (FORMAT parquet, COMPRESSION snappy);

-- @dim_day2
-- The next day's snapshot: 1% of the customers (hash % 100 = 0) moved city and segment.
COPY (
    SELECT customer_id, name, email,
           CASE WHEN hash(customer_id - 1) % 100 = 0 THEN segment || ' (new)' ELSE segment END AS segment,
           CASE WHEN hash(customer_id - 1) % 100 = 0 THEN city || '-Nord' ELSE city END AS city,
           signup_date
    FROM read_parquet('{dir}/dim_2024-03-01.parquet')
) TO '{dir}/dim_2024-03-02.parquet' (FORMAT parquet, COMPRESSION snappy);
