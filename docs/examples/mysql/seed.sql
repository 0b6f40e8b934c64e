-- The example's source table: orders over two days, amounts exact to the cent, a BOOLEAN flag.
DROP TABLE IF EXISTS orders, daily_customer_totals;
CREATE TABLE orders (
  id INT UNSIGNED PRIMARY KEY,
  customer_id VARCHAR(20) NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  ordered_at DATETIME NOT NULL,
  paid BOOLEAN NOT NULL
);
INSERT INTO orders VALUES
  (1, 'alice', 10.50, '2024-03-01 09:00:00', TRUE),
  (2, 'alice', 4.25, '2024-03-01 17:30:00', FALSE),
  (3, 'bob', 99.99, '2024-03-01 23:59:59', TRUE),
  (4, 'bob', 1.00, '2024-03-02 00:00:00', TRUE);
