-- materialized: veiw
SELECT * FROM {{ source('order') }}
