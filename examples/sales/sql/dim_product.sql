SELECT product_id, trim(product_name) AS product_name, trim(category) AS category, unit_price
FROM raw_products
QUALIFY row_number() OVER (PARTITION BY product_id ORDER BY product_id) = 1
