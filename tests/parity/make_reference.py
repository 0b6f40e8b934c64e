#!/usr/bin/python3
"""Reference outputs for the Sluice transform steps, computed with pandas.

Reads the hand-made inputs in tests/parity/input/*.csv, runs one pandas operation per case and
writes tests/parity/expected/<case>.csv. The outputs are committed, so the .NET test suite
(tests/Sluice.Transforms.Tests/ParityTests.cs) needs no Python; rerun this script only when an
input or a case changes:

    apt-get install -y python3-pandas      # Debian 12: pandas 1.5.3
    /usr/bin/python3 tests/parity/make_reference.py

Each case below names the Sluice task in tests/parity/parity.yaml that must produce the same rows.

Output format: a header line of column names, then one line per row, in pandas' order. A null
(NaN, NaT, None) is written as \\N; floats with repr() (the shortest text that reads back as the
same double, including inf and nan); booleans as true/false; timestamps as 'YYYY-MM-DD HH:MM:SS'
(time-zone aware ones converted to UTC first) and columns listed as dates as 'YYYY-MM-DD'.
Fields are quoted as Python's csv module does (only when they hold a comma, quote or newline).
"""

import csv
import math
import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
INPUT = os.path.join(HERE, "input")
EXPECTED = os.path.join(HERE, "expected")
NULL = "\\N"


def read(name, text=(), dates=(), timestamps=(), booleans=()):
    """Reads an input file as Sluice's files source does with declared columns: only the empty
    field is null, text stays text (no 'NA'/'null' guessing), dates and timestamps are parsed."""
    dtype = {c: str for c in list(text) + list(booleans)}
    frame = pd.read_csv(os.path.join(INPUT, name), dtype=dtype, keep_default_na=False, na_values=[""])
    for column in dates:
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    for column in timestamps:
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d %H:%M:%S")
    for column in booleans:
        frame[column] = frame[column].map({"true": True, "false": False}).astype("boolean")
    return frame


def dupes():
    return read("dupes.csv", text=["name", "city"])


def measures():
    return read("measures.csv", text=["grp", "label"], dates=["day"], timestamps=["ts"], booleans=["paid"])


def text():
    return read("text.csv", text=["name", "category"])


def dates():
    return read("dates.csv", text=["d_iso", "d_eu", "d_mixed", "ts_berlin", "ts_ny", "ts_offset"])


def numbers():
    return read("numbers.csv", text=["eu", "us"])


def orders():
    return read("orders_j.csv")


def customers():
    return read("customers_j.csv", text=["cust_name", "tier"])


def events():
    return read("events.csv", text=["store", "customer"], timestamps=["ts"])


CASES = {}


def case(name, date_columns=()):
    def register(function):
        CASES[name] = (function, set(date_columns))
        return function

    return register


# --- drop_duplicates -------------------------------------------------------------------------

@case("dedup_all_first")
def _():
    return dupes().drop_duplicates()


@case("dedup_all_last")
def _():
    return dupes().drop_duplicates(keep="last")


@case("dedup_all_none")
def _():
    return dupes().drop_duplicates(keep=False)


@case("dedup_subset_first")
def _():
    return dupes().drop_duplicates(subset=["id"])


@case("dedup_subset_last")
def _():
    return dupes().drop_duplicates(subset=["id", "name"], keep="last")


@case("dedup_subset_none")
def _():
    return dupes().drop_duplicates(subset=["city"], keep=False)


# --- fillna ------------------------------------------------------------------------------------

@case("fill_constant", date_columns=["day"])
def _():
    df = measures()
    return df.fillna({"qty": 0, "amount": -1.5, "label": "unknown", "day": pd.Timestamp("2024-01-01"),
                      "paid": False, "ts": pd.Timestamp("2000-01-01 00:00:00")})


@case("fill_ffill", date_columns=["day"])
def _():
    df = measures()
    columns = ["qty", "amount", "label", "day", "paid", "ts"]
    df[columns] = df[columns].ffill()
    return df


@case("fill_bfill", date_columns=["day"])
def _():
    df = measures()
    columns = ["qty", "amount", "label", "day", "paid", "ts"]
    df[columns] = df[columns].bfill()
    return df


@case("fill_mean", date_columns=["day"])
def _():
    df = measures()
    return df.fillna({"qty": df["qty"].mean(), "amount": df["amount"].mean()})


@case("fill_median", date_columns=["day"])
def _():
    df = measures()
    return df.fillna({"qty": df["qty"].median(), "amount": df["amount"].median()})


@case("fill_mode", date_columns=["day"])
def _():
    df = measures()
    return df.fillna({c: df[c].mode()[0] for c in ["qty", "label", "day", "paid"]})


def group_mode(series):
    modes = series.mode()
    return series.fillna(modes[0]) if len(modes) else series


@case("fill_group_mean", date_columns=["day"])
def _():
    df = measures()
    for column in ["qty", "amount"]:
        df[column] = df[column].fillna(df.groupby("grp")[column].transform("mean"))
    return df


@case("fill_group_median", date_columns=["day"])
def _():
    df = measures()
    df["amount"] = df["amount"].fillna(df.groupby("grp")["amount"].transform("median"))
    return df


@case("fill_group_mode", date_columns=["day"])
def _():
    df = measures()
    for column in ["qty", "label"]:
        df[column] = df.groupby("grp")[column].transform(group_mode)
    return df


@case("fill_group_ffill", date_columns=["day"])
def _():
    df = measures()
    df[["amount", "label"]] = df.groupby("grp")[["amount", "label"]].ffill()
    return df


@case("fill_group_bfill", date_columns=["day"])
def _():
    df = measures()
    df[["amount", "label"]] = df.groupby("grp")[["amount", "label"]].bfill()
    return df


# --- dropna ------------------------------------------------------------------------------------

@case("dropna_any", date_columns=["day"])
def _():
    return measures().dropna()


@case("dropna_subset", date_columns=["day"])
def _():
    return measures().dropna(subset=["amount"])


@case("dropna_all_subset", date_columns=["day"])
def _():
    return measures().dropna(subset=["qty", "label"], how="all")


# --- outliers ----------------------------------------------------------------------------------

def iqr_bounds(x, factor=1.5):
    q1, q3 = x.quantile(0.25), x.quantile(0.75)
    return q1 - factor * (q3 - q1), q3 + factor * (q3 - q1)


@case("outliers_iqr_remove", date_columns=["day"])
def _():
    df = measures()
    lo, hi = iqr_bounds(df["amount"])
    return df[~((df["amount"] < lo) | (df["amount"] > hi))]


@case("outliers_iqr_cap", date_columns=["day"])
def _():
    df = measures()
    lo, hi = iqr_bounds(df["amount"])
    df["amount"] = df["amount"].clip(lo, hi)
    return df


@case("outliers_iqr_flag", date_columns=["day"])
def _():
    df = measures()
    lo, hi = iqr_bounds(df["amount"], 1.0)
    df["amount_is_outlier"] = (df["amount"] < lo) | (df["amount"] > hi)
    return df


@case("outliers_iqr_by_group", date_columns=["day"])
def _():
    df = measures()
    groups = df.groupby("grp")["amount"]
    q1, q3 = groups.transform(lambda s: s.quantile(0.25)), groups.transform(lambda s: s.quantile(0.75))
    lo, hi = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    return df[~((df["amount"] < lo) | (df["amount"] > hi))]


@case("outliers_zscore_remove", date_columns=["day"])
def _():
    df = measures()
    z = (df["amount"] - df["amount"].mean()) / df["amount"].std()  # ddof=1
    return df[~(z.abs() > 2)]


@case("outliers_zscore_cap", date_columns=["day"])
def _():
    df = measures()
    mean, std = df["amount"].mean(), df["amount"].std()
    df["amount"] = df["amount"].clip(mean - 1.5 * std, mean + 1.5 * std)
    return df


# --- strings, categories -----------------------------------------------------------------------

@case("str_lower_strip")
def _():
    df = text()
    df["name"] = df["name"].str.lower().str.strip()
    return df


@case("str_upper_strip")
def _():
    df = text()
    df["name"] = df["name"].str.strip().str.upper()
    return df


CATEGORIES = {"elec": "Electronics", "electronics": "Electronics", "cloth": "Clothing", "toys": "Toys",
              "books": "Books"}


@case("map_exact")
def _():
    df = text()
    df["category"] = df["category"].map(CATEGORIES)  # unmapped -> NaN
    return df


@case("map_normalized")
def _():
    df = text()
    df["category_clean"] = df["category"].str.strip().str.lower().map(CATEGORIES)
    return df


# --- dates and numbers -------------------------------------------------------------------------

def utc(series):
    return series.dt.tz_convert("UTC").dt.tz_localize(None)


def localize(series, zone):
    # Sluice's choice at a DST change, spelled in pandas: an ambiguous wall time is read as
    # standard time, a wall time that does not exist is moved forward by the gap (one hour).
    return utc(series.dt.tz_localize(zone, ambiguous=np.zeros(len(series), dtype=bool),
                                     nonexistent=pd.Timedelta("1h")))


@case("dates_parse", date_columns=["d_iso", "d_eu", "d_mixed"])
def _():
    df = dates()
    df["d_iso"] = pd.to_datetime(df["d_iso"], format="%Y-%m-%d")
    df["d_eu"] = pd.to_datetime(df["d_eu"], format="%d/%m/%Y")
    mixed = [pd.to_datetime(df["d_mixed"], format=f, errors="coerce") for f in ["%Y-%m-%d", "%d/%m/%Y", "%d %b %Y"]]
    df["d_mixed"] = mixed[0].combine_first(mixed[1]).combine_first(mixed[2])
    df["ts_berlin"] = localize(pd.to_datetime(df["ts_berlin"], format="%Y-%m-%d %H:%M:%S"), "Europe/Berlin")
    df["ts_ny"] = localize(pd.to_datetime(df["ts_ny"], format="%Y-%m-%d %H:%M:%S"), "America/New_York")
    df["ts_offset"] = utc(pd.to_datetime(df["ts_offset"], format="%Y-%m-%d %H:%M:%S%z", utc=True))
    return df


@case("dates_coerce", date_columns=["d"])
def _():
    df = read("dates_bad.csv", text=["d"])
    df["d"] = pd.to_datetime(df["d"], format="%Y-%m-%d", errors="coerce")
    return df


@case("dates_floor_day")
def _():
    df = measures()[["row_id", "ts"]]
    df["ts_day"] = df["ts"].dt.floor("D")
    df["ts_hour"] = df["ts"].dt.floor("H")
    return df


@case("numbers_locale")
def _():
    df = numbers()
    eu = df["eu"].str.strip().str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    us = df["us"].str.strip().str.replace(",", "", regex=False)
    df["eu"] = pd.to_numeric(eu, errors="coerce")
    df["us"] = pd.to_numeric(us, errors="coerce")
    return df


# --- merge -------------------------------------------------------------------------------------

@case("merge_left")
def _():
    return orders().merge(customers(), on="cust_id", how="left")


@case("merge_inner")
def _():
    return orders().merge(customers(), on="cust_id", how="inner")


# --- groupby -----------------------------------------------------------------------------------

def metrics(grouped):
    return grouped.agg(revenue=("amount", "sum"), amounts=("amount", "count"), rows=("event_id", "count"),
                       customers=("customer", "nunique"), mean=("amount", "mean"), low=("amount", "min"),
                       high=("amount", "max"), median=("amount", "median"), units=("qty", "sum"))


@case("agg_by_store")
def _():
    return metrics(events().groupby("store", as_index=False))


@case("agg_by_store_keep_null")
def _():
    return metrics(events().groupby("store", as_index=False, dropna=False))


@case("agg_total")
def _():
    df = events()
    return pd.DataFrame({"revenue": [df["amount"].sum()], "rows": [len(df)], "customers": [df["customer"].nunique()]})


@case("agg_percentile_std")
def _():
    grouped = events().groupby("store", as_index=False)
    return grouped.agg(p90=("amount", lambda s: s.quantile(0.9)), p25=("amount", lambda s: s.quantile(0.25)),
                       std=("amount", "std"))


def bucketed(key, name):
    df = events()
    df[name] = key(df["ts"])
    return df.groupby(name, as_index=False).agg(revenue=("amount", "sum"), rows=("event_id", "count"))


@case("bucket_hour")
def _():
    return bucketed(lambda ts: ts.dt.floor("H"), "hour")


@case("bucket_day")
def _():
    return bucketed(lambda ts: ts.dt.floor("D"), "day")


@case("bucket_week")
def _():
    # Weeks starting on Monday, labelled by that Monday (pandas' 'W' period is W-SUN: Monday to Sunday).
    return bucketed(lambda ts: ts.dt.to_period("W").dt.start_time, "week")


@case("bucket_month")
def _():
    return bucketed(lambda ts: ts.dt.to_period("M").dt.start_time, "month")


@case("bucket_store_day")
def _():
    df = events()
    df["day"] = df["ts"].dt.floor("D")
    return df.groupby(["store", "day"], as_index=False).agg(revenue=("amount", "sum"), customers=("customer", "nunique"))


# --- derive, filter, select, rename ------------------------------------------------------------

@case("derive_division", date_columns=["day"])
def _():
    df = measures()[["row_id", "qty", "amount", "day"]]
    df["per_unit"] = df["amount"] / df["qty"]  # x/0 is inf, 0/0 is nan
    df["per_unit_safe"] = df["amount"] / df["qty"].replace(0, np.nan)
    return df


@case("filter_select_rename")
def _():
    df = measures()
    df = df[(df["amount"] > 11) & (df["grp"] != "b")]
    return df[["row_id", "grp", "amount"]].rename(columns={"grp": "group", "amount": "value"})


# --- writing -----------------------------------------------------------------------------------

def text_of(value, is_date):
    if value is None or value is pd.NaT or value is pd.NA:
        return NULL
    if isinstance(value, (float, np.floating)):
        return NULL if math.isnan(value) else repr(float(value))  # NaN is pandas' missing value
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert("UTC").tz_localize(None)
        if is_date:
            assert value == value.normalize(), f"{value} in a date column has a time"
            return value.strftime("%Y-%m-%d")
        return value.isoformat(sep=" ")
    if isinstance(value, str):
        assert value != NULL
        return value
    raise TypeError(f"no text for {value!r} ({type(value)})")


def write(name, frame, date_columns):
    path = os.path.join(EXPECTED, name + ".csv")
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(frame.columns)
        for row in frame.itertuples(index=False):
            writer.writerow(text_of(v, c in date_columns) for c, v in zip(frame.columns, row))


def main():
    os.makedirs(EXPECTED, exist_ok=True)
    wanted = set(sys.argv[1:])
    for name, (function, date_columns) in CASES.items():
        if wanted and name not in wanted:
            continue
        write(name, function(), date_columns)
    print(f"pandas {pd.__version__}: wrote {len(CASES) if not wanted else len(wanted)} reference file(s) to {EXPECTED}")


if __name__ == "__main__":
    main()
