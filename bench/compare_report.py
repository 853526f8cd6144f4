#!/usr/bin/env python3
"""Helper of bench/compare.sh (standard library only; the chart uses matplotlib when present).

  collect --round R --system S --threads N --workloads W1,.. --modes forward,.. --rc RC --log FILE < stdout
      Prints the result lines of one benchmark call (ANSI escapes stripped, meta/check lines dropped)
      with "round" and "system" set, plus one {"error": reason} line for every expected case missing.
  report --dir DIR
      Reads DIR/raw.jsonl, prints the comparison table, writes DIR/table.md and DIR/throughput.png.
"""
import argparse
import json
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

SYSTEMS = ["recur", "pytorch", "djl-libtorch", "onnxruntime"]
LABEL = {"recur": "recur", "pytorch": "PyTorch 1.13", "djl-libtorch": "libtorch 2.7.1 (DJL)",
         "onnxruntime": "ONNX Runtime 1.23"}
SHORT = {"pytorch": "PyTorch", "djl-libtorch": "libtorch", "onnxruntime": "ORT"}
PEERS = SYSTEMS[1:]
INFERENCE_ONLY = {"W6"}  # workloads.json: "inference_only": true
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def reason_from(log, rc):
    try:
        lines = [l.strip() for l in ANSI.sub("", Path(log).read_text(errors="replace")).splitlines() if l.strip()]
    except OSError:
        lines = []
    errs = [l for l in lines if re.search(r"exception|error|killed|not found|no such", l, re.I)]
    last = (errs or lines or ["no output"])[-1][:300]
    return (f"exit code {rc}: " if rc != 0 else "no result line: ") + last


def collect(a):
    wanted = a.workloads.split(",")
    seen = set()
    for line in sys.stdin:
        try:
            d = json.loads(ANSI.sub("", line).strip())
        except ValueError:
            continue
        if not isinstance(d, dict) or "meta" in d or "check" in d or d.get("workload") not in wanted:
            continue
        d["round"], d["system"] = a.round, a.system
        seen.add((d["workload"], d.get("mode")))
        print(json.dumps(d))
    for w in wanted:
        for m in a.modes.split(","):
            if (w, m) not in seen and not (m == "train_step" and w in INFERENCE_ONLY):
                print(json.dumps({"system": a.system, "workload": w, "mode": m, "threads": a.threads,
                                  "round": a.round, "error": reason_from(a.log, a.rc)}))


def fmt_tok(v):
    if v is None:
        return "—"
    for div, suf in ((1e6, "M"), (1e3, "k"), (1, "")):
        if v >= div:
            x = v / div
            return f"{x:.3g}{suf}" if x < 1000 else f"{x:.0f}{suf}"
    return f"{v:.3g}"


def report(a):
    out = Path(a.dir)
    recs = [json.loads(l) for l in (out / "raw.jsonl").read_text().splitlines() if l.strip()]
    ok = defaultdict(list)      # (sys, w, mode, threads) -> records without error
    errors = defaultdict(list)  # (sys, w, mode) -> "round r, n t: reason"
    rows = set()
    for d in recs:
        key = (d["workload"], d["mode"])
        rows.add(key)
        if "error" in d or d.get("tokens_per_s") is None:
            errors[(d["system"],) + key].append(f"round {d['round']}, {d.get('threads')}t: {d.get('error')}")
        else:
            ok[(d["system"],) + key + (d["threads"],)].append(d)
    rounds = sorted({d["round"] for d in recs})

    def best(sys_, w, m):
        """(threads, median tokens/s, median ms, median GFLOP/s, {round: tokens/s}, n thread counts tried)."""
        cands = [(t, v) for (s, w2, m2, t), v in ok.items() if (s, w2, m2) == (sys_, w, m)]
        if not cands:
            return None
        t, v = max(cands, key=lambda c: statistics.median(d["tokens_per_s"] for d in c[1]))
        med = lambda k: statistics.median(d[k] for d in v)
        return t, med("tokens_per_s"), med("median_ms"), med("gflops"), {d["round"]: d["tokens_per_s"] for d in v}, len(cands)

    order = sorted(rows, key=lambda r: (int(r[0][1:]) if r[0][1:].isdigit() else 99, r[0], r[1] != "forward", r[1]))
    res = {(s,) + r: best(s, *r) for s in SYSTEMS for r in order}

    def cell(s, r):
        b = res[(s,) + r]
        return "—" if b is None else fmt_tok(b[1]) + (f" ({b[0]}t)" if b[5] > 1 else "")

    hdr = (["workload / mode", "recur tok/s"] + [f"{SHORT[p]} tok/s" for p in PEERS]
           + [f"recur/{SHORT[p]}" for p in PEERS] + ["recur/best peer", "per round: recur / best peer"])
    lines = ["| " + " | ".join(hdr) + " |", "|" + "---|" * len(hdr)]
    for r in order:
        rb = res[("recur",) + r]
        ratios = []
        for p in PEERS:
            pb = res[(p,) + r]
            ratios.append(f"{rb[1] / pb[1]:.2f}×" if rb and pb else "—")
        peers = [(res[(p,) + r][1], p) for p in PEERS if res[(p,) + r]]
        bp = max(peers)[1] if peers else None
        vs_best = f"{rb[1] / max(peers)[0]:.2f}× ({SHORT[bp]})" if rb and peers else "—"
        per_round = "; ".join(
            f"r{k}: {fmt_tok(rb[4].get(k) if rb else None)} / {fmt_tok(res[(bp,) + r][4].get(k) if bp else None)}"
            for k in rounds)
        lines.append("| " + " | ".join([f"{r[0]} {r[1]}", cell("recur", r)] + [cell(p, r) for p in PEERS]
                                        + ratios + [vs_best, per_round]) + " |")

    extra = [("W2", "train_step", "GFLOP/s", 3), ("W6", "forward", "latency ms", 2), ("W7", "forward", "ms", 2)]
    head = ["| figure | " + " | ".join(LABEL[s] for s in SYSTEMS) + " |", "|---|" + "---|" * len(SYSTEMS)]
    for w, m, what, idx in extra:
        if (w, m) in rows:
            vals = [res[(s, w, m)] for s in SYSTEMS]
            head.append(f"| {w} {m} {what} | " + " | ".join(
                "—" if b is None else f"{b[idx]:.4g} ({b[0]}t)" for b in vals) + " |")

    notes = []
    for (s, w, m), why in sorted(errors.items()):
        status = "no figure" if res[(s, w, m)] is None else "some runs failed"
        notes.append(f"- {LABEL[s]} {w} {m} ({status}): " + "; ".join(sorted(set(why))))
    meta = (out / "meta.txt").read_text().splitlines() if (out / "meta.txt").exists() else []
    md = ["# recur vs peers: tokens/s (median over rounds)", ""] + [f"- {l}" for l in meta] + [
        "", "Median over rounds of each system's tokens/s; (nt) = the thread count kept where two were "
        "tried (the best median). Ratio > 1: recur faster. ONNX Runtime is forward only.", ""] + lines
    if len(head) > 2:
        md += ["", "## Headline figures (median over rounds)", ""] + head
    if notes:
        md += ["", "## Failures (shown as —)", ""] + notes
    text = "\n".join(md) + "\n"
    (out / "table.md").write_text(text)
    print(text)
    chart(out, order, res)


def chart(out, order, res):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("compare_report: matplotlib missing (apt-get install python3-matplotlib): no chart", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(order)), 4.5))
    width = 0.8 / len(SYSTEMS)
    for i, s in enumerate(SYSTEMS):
        xs = [j + (i - (len(SYSTEMS) - 1) / 2) * width for j, r in enumerate(order) if res[(s,) + r]]
        ys = [res[(s,) + r][1] for r in order if res[(s,) + r]]
        ax.bar(xs, ys, width, label=LABEL[s])
    ax.set_yscale("log")
    ax.set_xticks(range(len(order)), [f"{w}\n{m}" for w, m in order])
    ax.set_ylabel("tokens/s (median over rounds, log scale)")
    ax.set_title("recur vs peers: throughput per workload and mode")
    ax.legend(fontsize=8)
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "throughput.png", dpi=120)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    for k in ("round", "threads", "rc"):
        c.add_argument("--" + k, type=int, required=True)
    for k in ("system", "workloads", "modes", "log"):
        c.add_argument("--" + k, required=True)
    sub.add_parser("report").add_argument("--dir", required=True)
    a = ap.parse_args()
    collect(a) if a.cmd == "collect" else report(a)


if __name__ == "__main__":
    main()
