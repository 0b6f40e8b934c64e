-- materialized: table
SELECT * FROM {{ ref('a') }}
