"""Part 2 of sluice-bench-transforms (issue #4): order cleaning as a pandas user writes it.

Run with Debian's pandas 1.5.3 (python3-pandas, no pyarrow, so the input is CSV):
    /usr/bin/python3 pandas_pipeline.py ORDERS_CSV SUMMARY_CSV RESULT_JSON
pandas_pipeline.yaml is the same work as a Sluice pipeline. RESULT_JSON gets the row counts and the
sums the bench compares between the two.
"""
import json
import sys

import pandas as pd

orders_csv, summary_csv, result_json = sys.argv[1:4]

df = pd.read_csv(orders_csv)
df = df.drop_duplicates(subset=["order_id"])
df["quantity"] = df["quantity"].fillna(1)
df["amount"] = df["amount"].fillna(df["amount"].median())

q1, q3 = df["amount"].quantile(0.25), df["amount"].quantile(0.75)
iqr = q3 - q1
df = df[~((df["amount"] < q1 - 1.5 * iqr) | (df["amount"] > q3 + 1.5 * iqr))]

df["email"] = df["email"].str.lower().str.strip()
df["category"] = df["category"].str.lower().str.strip()
df["order_date"] = pd.to_datetime(df["order_date"].str.strip(), format="%Y-%m-%d", errors="coerce")
df["category"] = df["category"].map({
    "elec": "Electronics", "electronics": "Electronics", "toys": "Toys",
    "garden": "Garden", "books": "Books", "clothing": "Clothing",
})

summary = (
    df.groupby(["order_date", "category"])
    .agg(revenue=("amount", "sum"), orders=("order_id", "count"), customers=("customer_id", "nunique"))
    .reset_index()
)
summary.to_csv(summary_csv, index=False)

with open(result_json, "w") as f:
    json.dump({
        "clean_rows": int(len(df)),
        "groups": int(len(summary)),
        "revenue": float(summary["revenue"].sum()),
        "orders": int(summary["orders"].sum()),
        "customers": int(summary["customers"].sum()),
    }, f)
