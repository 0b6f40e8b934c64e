-- materialized: table
SELECT * FROM {{ ref('b') }}
