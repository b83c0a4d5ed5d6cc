# Q1-Q6 of the dataready benchmark in pandas: python3 -c "$(cat pandas_queries.py)" QUERY FORMAT PATH
# prints the query's answer as one JSON object, as the DuckDB child does.
# Each query reads only the columns it needs, as strings; only empty fields
# are missing (as in DuckDB's read_csv).
import json
import sys

import pandas as pd

# norm(s) of dataready/audit/norm for ASCII text: lower case, runs of the six
# ASCII white-space bytes collapsed to one space, trimmed.
WHITE = r"[ \t\n\x0b\x0c\r]+"


def norm(s):
    return s.str.lower().str.replace(WHITE, " ", regex=True).str.strip(" ")


def read(fmt, path, cols):
    if fmt == "csv":
        return pd.read_csv(path, usecols=cols, dtype=str, keep_default_na=False, na_values=[""])
    return pd.read_parquet(path, columns=cols)


def key(v):
    return "(null)" if pd.isna(v) else str(v)


def main(query, fmt, path):
    if query == "Q1":
        return {"rows": len(read(fmt, path, ["split"]))}
    if query == "Q2":
        df = read(fmt, path, ["split", "label"])
        g = df.groupby(["split", "label"], dropna=False).size()
        return {key(s) + "/" + key(l): int(n) for (s, l), n in g.items()}
    if query == "Q3":
        df = read(fmt, path, ["region", "channel", "label"])
        g = df.groupby(["region", "channel", "label"], dropna=False).size()
        return {"groups": len(g), "rows": int(g.sum())}
    if query == "Q4":
        df = read(fmt, path, ["text", "label"])
        df = df[df["label"].notna()]
        g = df.groupby(norm(df["text"]))["label"].agg(["nunique", "size"])
        sel = g[g["nunique"] > 1]
        return {"texts": len(sel), "rows": int(sel["size"].sum())}
    if query == "Q5":
        df = read(fmt, path, ["text", "split"])
        t = norm(df["text"])
        train = t[(df["split"] == "train") & t.notna()].unique()
        return {"rows": int(t[df["split"] == "holdout"].isin(train).sum())}
    if query == "Q6":
        df = read(fmt, path, ["user_id", "split"])
        ids = df["user_id"]
        train = set(ids[(df["split"] == "train") & ids.notna()])
        holdout = set(ids[df["split"] == "holdout"])
        return {"user_ids": len(train & holdout)}
    raise SystemExit("unknown query " + query)


print(json.dumps(main(*sys.argv[1:4])))
