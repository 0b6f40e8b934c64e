"""Part "chain" of sluice-bench-transforms (issue #10): the reference DataTransformer cleaning code.

Run with Debian's pandas (python3-pandas; no pyarrow, so the input is CSV):
    /usr/bin/python3 chain_pandas.py ORDERS_CSV DAILY_CSV
chain_pipeline.yaml is the same work as eight Sluice steps, chain_baseline.sql as one DuckDB statement.
"""
import sys

import pandas as pd

orders_csv, daily_csv = sys.argv[1:3]

df = pd.read_csv(orders_csv)
df = df.drop_duplicates()
df["quantity"] = df["quantity"].fillna(1)
df["amount"] = df["amount"].fillna(df["amount"].median())

q1, q3 = df["amount"].quantile(0.25), df["amount"].quantile(0.75)
iqr = q3 - q1
df = df[~((df["amount"] < q1 - 1.5 * iqr) | (df["amount"] > q3 + 1.5 * iqr))]

df["order_date"] = pd.to_datetime(df["order_date"].str.strip(), format="%Y-%m-%d", errors="coerce")
df["email"] = df["email"].str.lower().str.strip()
category = df["category"]
df["category"] = category.str.strip().str.lower().map({
    "elec": "Electronics", "electronics": "Electronics", "toys": "Toys",
    "garden": "Garden", "books": "Books", "clothing": "Clothing",
}).fillna(category)  # unmapped values are kept, as the steps' unmapped: warn

daily = (
    df.groupby(["order_date", "category"])
    .agg(revenue=("amount", "sum"), orders=("order_id", "count"), customers=("email", "nunique"))
    .reset_index()
)
daily["revenue"] = daily["revenue"].round(2)
daily.to_csv(daily_csv, index=False)
