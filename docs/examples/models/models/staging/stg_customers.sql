-- The day's customer file. Later files add columns (tier); only these three are modelled.
SELECT customer_id, name, city
FROM {{ source('customers') }}
