-- The shop's operational database for examples/partner-orders: 20 customers and the orders of
-- 2024-03-01 to 2024-03-03, the same on every run (formulas, no random numbers), so the example's
-- test can recompute the expected report from these rows. Rerunning this file starts over.
--   psql -d shop -f examples/partner-orders/seed.sql

SET client_min_messages = warning;  -- no "schema does not exist, skipping" on the first run
DROP SCHEMA IF EXISTS shop CASCADE;
CREATE SCHEMA shop;

CREATE TABLE shop.customers (
    customer_id integer PRIMARY KEY,
    name        text NOT NULL,
    country     text NOT NULL,
    segment     text NOT NULL CHECK (segment IN ('retail', 'business'))
);

-- One row per order, holding its current state: an order that changes later (returned, say) is
-- updated in place and its updated_at moves, which is what the pipeline extracts by.
CREATE TABLE shop.orders (
    order_id     bigint PRIMARY KEY,
    customer_id  integer NOT NULL REFERENCES shop.customers,
    sku          text NOT NULL,          -- the partner's product code
    quantity     integer NOT NULL CHECK (quantity > 0),
    discount_pct integer NOT NULL CHECK (discount_pct BETWEEN 0 AND 100),
    status       text NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX orders_updated_at ON shop.orders (updated_at);

INSERT INTO shop.customers (customer_id, name, country, segment)
SELECT c,
       'Customer ' || c,
       (ARRAY['DE', 'FR', 'NL', 'SE', 'ES'])[1 + c % 5],
       CASE WHEN c % 4 = 0 THEN 'business' ELSE 'retail' END
FROM generate_series(1, 20) AS c;

-- 16 orders a day, one every 90 minutes from midnight. Most are paid ten minutes after they are
-- placed; the first of each day is paid at once, so its last change sits exactly on the interval's
-- start. Every 7th order (n % 7 = 3) was returned a day and two hours later, so a later day's run
-- loads it (the run of 2024-03-04 for those of 2024-03-03). SKU-031 (n = 22) is not in the
-- partner's catalog.
INSERT INTO shop.orders (order_id, customer_id, sku, quantity, discount_pct, status, created_at, updated_at)
SELECT 5000 + n,
       1 + (n * 3) % 20,
       'SKU-' || lpad((1 + (n * 7) % 31)::text, 3, '0'),
       1 + n % 4,
       (ARRAY[0, 0, 5, 10, 15])[1 + n % 5],
       CASE WHEN n % 7 = 3 THEN 'returned' ELSE 'paid' END,
       created,
       created + CASE WHEN n % 7 = 3 THEN interval '1 day 2 hours'
                      WHEN n % 16 = 0 THEN interval '0'
                      ELSE interval '10 minutes' END
FROM generate_series(0, 47) AS n,
     LATERAL (SELECT timestamptz '2024-03-01 00:00:00+00' + n * interval '90 minutes') AS t(created);

-- The last instant of 2024-03-01: its run loads it, the run of 2024-03-02 does not.
INSERT INTO shop.orders VALUES
    (5900, 7, 'SKU-012', 2, 5, 'paid', timestamptz '2024-03-01 23:40:00+00', timestamptz '2024-03-01 23:59:59.999999+00');
