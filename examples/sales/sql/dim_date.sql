-- One row per day of the data interval, keyed yyyymmdd like the fact table's date_key.
SELECT CAST(strftime(d, '%Y%m%d') AS INTEGER) AS date_key,
       CAST(d AS DATE) AS date,
       year(d) AS year, quarter(d) AS quarter, month(d) AS month,
       monthname(d) AS month_name, weekofyear(d) AS iso_week,
       isodow(d) AS day_of_week, dayname(d) AS day_name,
       isodow(d) >= 6 AS is_weekend
FROM range(CAST({{ data_interval_start }} AS DATE), CAST({{ data_interval_end }} AS DATE), INTERVAL 1 DAY) AS t(d)
