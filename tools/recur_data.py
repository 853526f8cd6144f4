"""Python ports of the parts of recur's data pipelines that decide which rows a model saw.

Shared by tools/torch_reload.py and bench/tasks_torch.py.

- SplittableRandom: java.util.SplittableRandom(seed).nextInt(bound), bit for bit.
- stratified_split: dev.recur.classify.Classification.split.
- read_table: dev.recur.data.table.Tables.read for .csv, .tsv, .jsonl/.ndjson (header names trimmed;
  a UTF-8 BOM accepted), cells as strings.
- safetensors reading and writing in the layout of the safetensors library (and of recur's writer):
  compact JSON header, __metadata__ first, tensors by descending alignment then name, the header
  padded with spaces to a multiple of 8 bytes.
"""
import csv
import json
import math
import os
import struct

import torch

MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


class SplittableRandom:
    """java.util.SplittableRandom(seed): nextInt(bound) as in the JDK."""

    def __init__(self, seed):
        self.seed = seed & MASK64

    def _next_int(self):
        self.seed = (self.seed + GOLDEN_GAMMA) & MASK64
        z = self.seed
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & MASK64
        r = (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & MASK64) >> 32
        return r - (1 << 32) if r >= (1 << 31) else r  # as a Java int

    def next_int(self, bound):
        r = self._next_int()
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = (r & 0xFFFFFFFF) >> 1
        while True:
            r = u % bound
            s = u + m - r
            if -(1 << 31) <= s < (1 << 31):  # no int overflow: accept
                return r
            u = (self._next_int() & 0xFFFFFFFF) >> 1


def java_round(x):
    """Math.round(double)."""
    return int(math.floor(x + 0.5))


def stratified_split(labels, val_frac, test_frac, seed):
    """Classification.split: per label (sorted as strings), a Fisher-Yates shuffle by one
    SplittableRandom(seed), then test, validation, train; each part's indices sorted."""
    by_label = {l: [] for l in sorted(set(labels))}
    for i, l in enumerate(labels):
        by_label[l].append(i)
    rng = SplittableRandom(seed)
    train, val, test = [], [], []
    for idx in by_label.values():
        for i in range(len(idx) - 1, 0, -1):
            j = rng.next_int(i + 1)
            idx[i], idx[j] = idx[j], idx[i]
        n_test = max(1, java_round(len(idx) * test_frac))
        n_val = (min(len(idx) - n_test - 1, max(1, java_round(len(idx) * val_frac)))
                 if len(idx) - n_test >= 2 else 0)
        test += idx[:n_test]
        val += idx[n_test:n_test + n_val]
        train += idx[n_test + n_val:]
    return sorted(train), sorted(val), sorted(test)


def read_table(path):
    """(column names, rows as lists of strings; None for a JSON null)."""
    lower = path.lower()
    with open(path, encoding="utf-8-sig", newline="") as f:
        if lower.endswith(".jsonl") or lower.endswith(".ndjson"):
            rows, cols = [], None
            for line in f:
                if not line.strip():
                    continue
                obj = json.loads(line)
                if cols is None:
                    cols = [c.strip() for c in obj]
                rows.append([None if obj.get(c) is None else str(obj.get(c)) for c in cols])
            return cols, rows
        if not (lower.endswith(".csv") or lower.endswith(".tsv")):
            raise SystemExit(f"{path}: expected a table named *.csv, *.tsv, *.jsonl or *.ndjson")
        r = csv.reader(f, delimiter="\t" if lower.endswith(".tsv") else ",")
        cols = [c.strip() for c in next(r)]
        return cols, [row for row in r if row]


def number(cell, where):
    text = (cell or "").strip()
    if text == "" or text.lower() in ("nan", "na", "n/a", "null"):
        raise SystemExit(f"{where}: a missing number; the fill policies are not ported (fill=none only)")
    return float(text)


# --- safetensors -------------------------------------------------------------------------------

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}
NAMES = {v: k for k, v in DTYPES.items()}


def read_safetensors(path):
    """{name: tensor} in the file's order, and the metadata."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:end]), dtype=DTYPES[e["dtype"]]) if end > b \
            else torch.empty(0, dtype=DTYPES[e["dtype"]])
        out[name] = t.reshape(e["shape"]).clone()
    return out, header.get("__metadata__")


def write_safetensors(tensors, path, metadata=None):
    """safetensors.torch.save_file(tensors, path, metadata), for F32/F64/I64 tensors."""
    order = sorted(tensors, key=lambda k: (-tensors[k].element_size(), k))
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for k in order:
        t = tensors[k].detach().contiguous().cpu()
        b = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[k] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)
