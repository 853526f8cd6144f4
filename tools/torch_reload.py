#!/usr/bin/env python3
"""Load any recur run into the equivalent PyTorch module and reproduce its validation loss.

Usage (Debian's python3-torch, torch 1.13; not part of CI):
    /usr/bin/python3 tools/torch_reload.py [RUN_DIR] [--data FILE] [--save-torch OUT.safetensors]
    /usr/bin/python3 tools/torch_reload.py --check-modules DIR

RUN_DIR defaults to the newest folder under runs/ that holds a checkpoint.json. The module is built
from checkpoint.json's model.config alone (SequenceModule below: optional nn.Embedding and/or
numeric features, nn.LSTM/GRU/RNN with layers, directions, proj_size and bias, optional LayerNorm,
last/mean/max/attention pooling over the valid steps, optional hidden Linear + activation, the
head), and the model file is loaded with load_state_dict(strict=True). The run's validation data is
rebuilt from its recorded source (SHA-256 checked) and settings, and the loss is computed in float64:

  text_streams        (recur train)            the last 10% of the characters as B streams, chunks
                                               of T steps, state carried; cross-entropy per character
  forecast_windows    (recur forecast train)   validation windows of standardised rows, targets the
                                               standardised changes from the window's last value; MSE
  labelled_sequences  (recur classify train --sequences)   the seeded stratified split, features
                                               standardised, at most max_length steps; cross-entropy
  labelled_texts      (recur classify train --tokens chars) as above, characters (code points)
                                               through the saved vocabulary

Not ported, refused with a message: word tokens (--tokens words: Java's BreakIterator word rules
have no exact Python equivalent in the standard library), missing cells (the fill policies), and
models with one output per step other than the character model (no command trains one).

Prints both losses and their difference: for the model file against training.last_validation, and,
when early stopping kept other weights (files.best differs from files.model), for the best file
against training.best.value -- that is the file `recur ... eval/predict` serve.

--save-torch OUT writes the PyTorch module's state_dict (in the run's dtype, metadata format=pt) as
safetensors.torch.save_file would (the safetensors package is not needed), then compares it with
the run's model file: tensor names, shapes, dtypes and values, and the bytes. recur loads such a
file with StateDicts.load(module, path).

--check-modules DIR compares the module with recur on the options no command sets (token and numeric
input together, padding_idx, proj_size, bias=false, layer norm, attention_size, hidden layer of each
activation, per-step output with lengths): see tools/torch_module_check.jsh, which writes the cases
and, run again, loads the state_dicts PyTorch wrote back into recur.
"""
import argparse
import hashlib
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recur_data import (number, read_safetensors, read_table, stratified_split,  # noqa: E402
                        write_safetensors)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUNDLED = os.path.join(REPO, "recur-core", "src", "main", "resources", "dev", "recur", "data", "tinyshakespeare.txt")
RNNS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn_tanh": nn.RNN, "rnn": nn.RNN, "rnn_relu": nn.RNN}
ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}


# --- the model ---------------------------------------------------------------------------------

class Pool(nn.Module):
    """dev.recur.nn.Pooling over the valid steps t < len_b of y [T, B, W]."""

    def __init__(self, kind, width, directions, attention_size):
        super().__init__()
        self.kind, self.directions = kind, directions
        if kind == "attention":
            self.query = nn.Parameter(torch.zeros(attention_size))   # own parameter first, as in recur
            self.proj = nn.Linear(width, attention_size)

    def forward(self, y, lengths):
        T, B, W = y.shape
        valid = torch.arange(T).unsqueeze(1) < lengths.unsqueeze(0)      # [T, B]
        if self.kind == "last":
            last = y[lengths - 1, torch.arange(B)]                       # [B, W]
            if self.directions == 1:
                return last
            return torch.cat([last[:, :W // 2], y[0, :, W // 2:]], dim=1)   # forward at len-1, backward at 0
        if self.kind == "mean":
            return (y * valid.unsqueeze(2)).sum(0) / lengths.unsqueeze(1).to(y.dtype)
        if self.kind == "max":
            return y.masked_fill(~valid.unsqueeze(2), float("-inf")).max(0).values
        # attention: u_t = tanh(W_p y_t + b_p), s_t = u_t . q, alpha = softmax over valid t, z = sum alpha_t y_t
        s = torch.tanh(self.proj(y)) @ self.query                         # [T, B]
        alpha = torch.softmax(s.masked_fill(~valid, float("-inf")), dim=0)
        return (alpha.unsqueeze(2) * y).sum(0)


class SequenceModule(nn.Module):
    """recur's SequenceModel (model.type sequence_model) from its model.config; children named as
    recur's state_dict: embedding, rnn, norm, pool, hidden, head."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        if c["vocab_size"] > 0:
            self.embedding = nn.Embedding(c["vocab_size"], c["embedding_dim"],
                                          padding_idx=None if c["padding_idx"] < 0 else c["padding_idx"])
        kw = dict(bias=c["bias"], bidirectional=c["bidirectional"],
                  dropout=c["dropout"] if c["num_layers"] > 1 else 0.0)
        if c["cell"] == "lstm":
            kw["proj_size"] = c["proj_size"]
        elif c["cell"].startswith("rnn"):
            kw["nonlinearity"] = "relu" if c["cell"] == "rnn_relu" else "tanh"
        self.rnn = RNNS[c["cell"]](c["embedding_dim"] + c["features"], c["hidden_size"], c["num_layers"], **kw)
        self.directions = 2 if c["bidirectional"] else 1
        width = self.directions * (c["proj_size"] or c["hidden_size"])
        self.input_dropout = nn.Dropout(c["input_dropout"])
        if c["layer_norm"]:
            self.norm = nn.LayerNorm(width, eps=1e-5)
        if c["pooling"] != "none":
            self.pool = Pool(c["pooling"], width, self.directions, c["attention_size"])
        self.output_dropout = nn.Dropout(c["output_dropout"])
        if c["hidden_units"] > 0:
            self.hidden = nn.Linear(width, c["hidden_units"])
        self.head = nn.Linear(c["hidden_units"] or width, c["outputs"])

    def forward(self, tokens=None, features=None, lengths=None, state=None):
        """tokens [T, B] and/or features [T, B, F], time-major; lengths [B] (None: all T steps).
        Returns [B, K] pooled, or ([T, B, K], final state) per step."""
        parts = ([self.embedding(tokens)] if tokens is not None else []) + ([features] if features is not None else [])
        x = self.input_dropout(torch.cat(parts, dim=2))
        T, B = x.shape[0], x.shape[1]
        if lengths is None:
            y, state = self.rnn(x, state)
        else:   # padding never counts: outputs past each length are 0, the reverse direction starts at len-1
            packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
            y, state = self.rnn(packed, state)
            y, _ = pad_packed_sequence(y, total_length=T)
        if self.c["layer_norm"]:
            y = self.norm(y)
        z = self.pool(y, lengths if lengths is not None else torch.full((B,), T)) if self.c["pooling"] != "none" else y
        z = self.output_dropout(z)
        if self.c["hidden_units"] > 0:
            z = ACTIVATIONS[self.c["hidden_activation"]](self.hidden(z))
        out = self.head(z)
        return out if self.c["pooling"] != "none" else (out, state)


# --- the run -----------------------------------------------------------------------------------

def latest_run(root="runs"):
    runs = [os.path.join(root, d) for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "checkpoint.json"))]
    if not runs:
        sys.exit(f"no run with a checkpoint.json under {root}/")
    return max(runs, key=lambda d: os.path.getmtime(os.path.join(d, "checkpoint.json")))


def model_config(ck):
    """model.config (format 2), or the character model of a format-1 manifest in the same form."""
    if ck["format_version"] == 1:
        m = ck["model"]
        return dict(vocab_size=m["vocab_size"], embedding_dim=m["embedding_dim"], padding_idx=-1, features=0,
                    input_dropout=m["dropout"], cell=m["cell"], hidden_size=m["hidden_size"],
                    num_layers=m["num_layers"], bidirectional=False, proj_size=0, bias=True, dropout=m["dropout"],
                    layer_norm=False, pooling="none", attention_size=0, output_dropout=m["dropout"],
                    hidden_units=0, hidden_activation="tanh", outputs=m["vocab_size"])
    if ck["model"]["type"] != "sequence_model":
        sys.exit(f"model.type {ck['model']['type']!r}: only sequence_model is ported")
    return ck["model"]["config"]


def data_file(ck, given, default=None):
    """The run's data file (the recorded path, or --data), its SHA-256 checked."""
    prov = ck["provenance"].get("data") or ck["provenance"].get("corpus")
    path = given or (prov["source"] if os.path.isfile(prov["source"]) else default)
    if path is None or not os.path.isfile(path):
        sys.exit(f"{prov['source']}: not found; give the run's data with --data")
    raw = open(path, "rb").read()
    if hashlib.sha256(raw).hexdigest() != prov["sha256"]:
        sys.exit(f"{path}: SHA-256 differs from the run's data ({prov['sha256']})")
    return path, raw


def char_lm_loss(m, ck, a):
    """recur train: the reference protocol of the character model."""
    if ck["format_version"] == 1:
        d = ck["training"]["config"]
        code_points = ck["vocabulary"]["code_points"]
    else:
        d = ck["training"]["data"]
        code_points = ck["preprocessing"]["vocabulary"]["code_points"]
    path, raw = data_file(ck, a.data, BUNDLED)
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    idx = {chr(c): i for i, c in enumerate(code_points)}
    data = torch.tensor([idx[c] for c in text], dtype=torch.long)
    val = data[int(len(data) * d["train_fraction"]):]
    B, T, V = d["batch"], d["seq"], len(code_points)
    Lv = (len(val) - 1) // B
    vx = val[:-1][: Lv * B].view(B, Lv).t()
    vy = val[1:][: Lv * B].view(B, Lv).t()
    st, tot, cnt = None, 0.0, 0
    for p in range(0, Lv, T):
        lo, st = m(tokens=vx[p:p + T], state=st)
        tot += F.cross_entropy(lo.reshape(-1, V), vy[p:p + T].reshape(-1), reduction="sum").item()
        cnt += vy[p:p + T].numel()
    return tot / cnt, f"{cnt} characters of {path}"


def forecast_loss(m, ck, a):
    """recur forecast train: Forecasting.windows over the validation rows, MSE (mean)."""
    task = ck["preprocessing"]["task"]
    spec, split = task["spec"], task["split"]
    path, _ = data_file(ck, a.data)
    cols, rows = read_table(path)
    names = spec["targets"] + spec["covariates"]
    for n in names:
        if n not in cols:
            sys.exit(f"{path}: no column {n!r}")
    v = torch.tensor([[number(r[cols.index(n)], f"{path} row {i + 2} column {n}") for i, r in enumerate(rows)]
                      for n in names], dtype=torch.float64)                    # [C, rows]
    if v.shape[1] != split["rows"]:
        sys.exit(f"{path}: {v.shape[1]} rows, the run had {split['rows']}")
    mean = torch.tensor(ck["preprocessing"]["normalization"]["mean"], dtype=torch.float64)
    std = torch.tensor(ck["preprocessing"]["normalization"]["std"], dtype=torch.float64)
    te = split["train_end"]
    refit = max((v[:, :te].mean(1) - mean).abs().max().item(), (v[:, :te].std(1, unbiased=False) - std).abs().max().item())
    w, hz, nt = spec["window"], spec["horizon"], len(spec["targets"])
    origins = range(max(te, w), split["validation_end"] - hz + 1)           # Forecasting.origins
    x = torch.stack([((v[:, o - w:o] - mean[:, None]) / std[:, None]).t() for o in origins], dim=1)   # [w, N, C]
    # target[s*nt + k] = (y_k[o+s] - y_k[o-1]) / std_k
    y = torch.stack([((v[:nt, o:o + hz] - v[:nt, o - 1:o]) / std[:nt, None]).t().reshape(-1) for o in origins])
    out = m(features=x, lengths=torch.full((x.shape[1],), w))
    loss = regression_loss(ck["training"]["loss"], out, y)
    return loss, (f"{len(origins)} validation windows of {path} (rows {te}..{split['validation_end'] - 1}); "
                  f"normalisation refitted on the training rows: max |difference| {refit:.1e}")


def regression_loss(spec, out, y):
    name = spec["name"]
    if spec.get("reduction", "mean") != "mean":
        sys.exit(f"loss reduction {spec['reduction']!r}: only mean is ported")
    if name == "mse":
        return F.mse_loss(out, y).item()
    if name == "l1":
        return F.l1_loss(out, y).item()
    if name == "huber":
        return F.huber_loss(out, y, delta=spec["delta"]).item()
    sys.exit(f"loss {name!r}: not ported")


def classify_loss(m, ck, a):
    """recur classify train: the stratified seeded split, the network's examples, cross-entropy."""
    task, pre = ck["preprocessing"]["task"], ck["preprocessing"]
    labels_all = pre["labels"]
    path = a.data or ck["provenance"]["data"]["source"]
    if os.path.isdir(path):
        texts, seqs, labels = read_folder(path, task)
    else:
        path, _ = data_file(ck, a.data)
        cols, rows = read_table(path)
        col = lambda n: cols.index(n) if n in cols else sys.exit(f"{path}: no column {n!r} (see --help)")  # noqa: E731
        if task["input"] == "text":
            ti, li = col(a.text), col(a.label)
            texts, seqs, labels = [r[ti] for r in rows], None, [r[li] for r in rows]
        else:
            texts, seqs, labels = None, *read_sequences(path, cols, rows, task, a)
    if task["input"] == "text" and task["tokens"] != "chars":
        sys.exit("word tokens: not ported (Java's BreakIterator word rules have no exact Python equivalent); "
                 "only --tokens chars runs are reproduced")
    _, val, _ = stratified_split(labels, task["validation_fraction"], task["test_fraction"], task["seed"])
    maxlen = task["max_length"]
    if texts is not None:
        vocab = {t: i for i, t in enumerate(task["vocabulary"]) if i >= 1}      # <pad> is never looked up
        ex = []
        for i in val:
            ids = [vocab.get(ch, 1) for ch in texts[i]] or [1]                  # code points; unknown = 1
            ex.append(torch.tensor(ids[:maxlen]))
        lengths = torch.tensor([len(e) for e in ex])
        tokens = torch.zeros(int(lengths.max()), len(ex), dtype=torch.long)     # padded with <pad> = 0
        for b, e in enumerate(ex):
            tokens[:len(e), b] = e
        out = m(tokens=tokens, lengths=lengths)
    else:
        mean = torch.tensor(pre["normalization"]["mean"], dtype=torch.float64)
        std = torch.tensor(pre["normalization"]["std"], dtype=torch.float64)
        ex = [(seqs[i][:maxlen] - mean) / std for i in val]
        lengths = torch.tensor([len(e) for e in ex])
        feats = torch.zeros(int(lengths.max()), len(ex), len(mean), dtype=torch.float64)
        for b, e in enumerate(ex):
            feats[:len(e), b] = e
        out = m(features=feats, lengths=lengths)
    target = torch.tensor([labels_all.index(labels[i]) for i in val])
    loss = ck["training"]["loss"]
    if loss["name"] != "cross_entropy" or loss.get("reduction", "mean") != "mean":
        sys.exit(f"loss {loss}: not ported")
    weight = None if loss.get("class_weights") is None else torch.tensor(loss["class_weights"], dtype=torch.float64)
    ce = F.cross_entropy(out, target, weight=weight, label_smoothing=loss.get("label_smoothing", 0.0)).item()
    return ce, f"{len(val)} validation examples of {path} (seeded stratified split)"


def read_sequences(path, cols, rows, task, a):
    """LabeledData.sequences: rows grouped by id (first appearance), ordered by step."""
    feats = task.get("features") or [c for c in cols if c not in (a.id, a.step, a.label)]
    fi = [cols.index(f) for f in feats]
    ii, li = cols.index(a.id), cols.index(a.label)
    si = cols.index(a.step) if a.step in cols else None
    groups = {}
    for n, r in enumerate(rows):
        groups.setdefault(r[ii], []).append((number(r[si], f"{path} row {n + 2}") if si is not None else n, r))
    seqs, labels = [], []
    for g in groups.values():
        g.sort(key=lambda p: p[0])
        seqs.append(torch.tensor([[number(r[j], path) for j in fi] for _, r in g], dtype=torch.float64))
        labels.append(g[0][1][li])
    return seqs, labels


def read_folder(path, task):
    """LabeledData.folder / sequenceFolder: one subfolder per label, files sorted by name."""
    texts, seqs, labels = [], [], []
    for lab in sorted(d for d in os.listdir(path) if os.path.isdir(os.path.join(path, d)) and not d.startswith(".")):
        for f in sorted(f for f in os.listdir(os.path.join(path, lab)) if not f.startswith(".")):
            p = os.path.join(path, lab, f)
            if not os.path.isfile(p):
                continue
            if task["input"] == "text":
                t = open(p, encoding="utf-8").read()
                texts.append(t[1:] if t.startswith("\ufeff") else t)
            else:
                cols, rows = read_table(p)
                feats = task.get("features") or cols
                seqs.append(torch.tensor([[number(r[cols.index(c)], p) for c in feats] for r in rows],
                                         dtype=torch.float64))
            labels.append(lab)
    return (texts, None, labels) if task["input"] == "text" else (None, seqs, labels)


def validation_loss(m, ck, a):
    kind = "text_streams" if ck["format_version"] == 1 else ck["training"]["data"]["kind"]
    fn = {"text_streams": char_lm_loss, "forecast_windows": forecast_loss,
          "labelled_sequences": classify_loss, "labelled_texts": classify_loss}.get(kind)
    if fn is None:
        sys.exit(f"training.data.kind {kind!r}: no data pipeline ported")
    m.eval()
    with torch.no_grad():
        return fn(m, ck, a)


def load(run, ck, c, name):
    m = SequenceModule(c).double()
    weights, _ = read_safetensors(os.path.join(run, name))
    m.load_state_dict({k: v.double() for k, v in weights.items()}, strict=True)
    return m


def describe(c):
    inputs = ", ".join(([f"V={c['vocab_size']}, E={c['embedding_dim']}"] if c["vocab_size"] else [])
                       + ([f"F={c['features']}"] if c["features"] else []))
    return (f"{c['num_layers']}-layer {'bidirectional ' if c['bidirectional'] else ''}{c['cell']} H={c['hidden_size']}"
            f"{', P=%d' % c['proj_size'] if c['proj_size'] else ''}, {inputs}, pooling {c['pooling']}"
            f"{', layer norm' if c['layer_norm'] else ''}"
            f"{', hidden %d %s' % (c['hidden_units'], c['hidden_activation']) if c['hidden_units'] else ''}, "
            f"{c['outputs']} outputs")


def save_torch(m, ck, run, out):
    """Writes m's state_dict as safetensors in the run's dtype and compares it with the model file."""
    dtype = torch.float64 if ck["model"]["dtype"] == "float64" else torch.float32
    sd = {k: v.to(dtype) for k, v in m.state_dict().items()}
    write_safetensors(sd, out, {"format": "pt"})
    model_file = os.path.join(run, ck["files"]["model"]["name"])
    mine, _ = read_safetensors(out)
    theirs, _ = read_safetensors(model_file)
    same_names = list(mine) == list(theirs)
    diffs = [k for k in theirs if k not in mine or mine[k].dtype != theirs[k].dtype
             or mine[k].shape != theirs[k].shape or not torch.equal(mine[k], theirs[k])]
    same_bytes = open(out, "rb").read() == open(model_file, "rb").read()
    n = sum(t.numel() for t in theirs.values())
    print(f"--save-torch {out}: {len(mine)} tensors ({n} values) from PyTorch's state_dict")
    print(f"  against {model_file}: names {'equal' if same_names else 'DIFFER'}, "
          f"{len(theirs) - len(diffs)}/{len(theirs)} tensors equal in dtype, shape and every value; "
          f"bytes {'identical' if same_bytes else 'differ'}")
    if diffs or not same_names:
        sys.exit(f"  differing tensors: {diffs or sorted(set(mine) ^ set(theirs))}")


def check_modules(d):
    """--check-modules DIR: the cases tools/torch_module_check.jsh wrote (options no command sets)."""
    worst = 0.0
    for name in sorted(f[:-5] for f in os.listdir(d) if f.endswith(".json")):
        j = json.load(open(os.path.join(d, name + ".json")))
        c = j["config"]
        m = SequenceModule(c).double()
        weights, _ = read_safetensors(os.path.join(d, name + ".safetensors"))
        m.load_state_dict(weights, strict=True)
        m.eval()
        lengths = torch.tensor(j["lengths"])
        T, B = int(lengths.max()), len(j["lengths"])
        tokens = features = None
        if c["vocab_size"]:
            tokens = torch.zeros(T, B, dtype=torch.long)
            for b, t in enumerate(j["tokens"]):
                tokens[:len(t), b] = torch.tensor(t)
        if c["features"]:
            features = torch.zeros(T, B, c["features"], dtype=torch.float64)
            for b, f in enumerate(j["features"]):
                features[:len(f) // c["features"], b] = torch.tensor(f, dtype=torch.float64).view(-1, c["features"])
        with torch.no_grad():
            out = m(tokens=tokens, features=features, lengths=lengths)
        out = out[0] if isinstance(out, tuple) else out
        recur = torch.tensor(j["output"], dtype=torch.float64).view(out.shape)
        diff = (out - recur).abs().max().item()
        worst = max(worst, diff)
        tmp = os.path.join(d, name + ".torch.safetensors")
        write_safetensors(m.state_dict(), tmp)   # as safetensors.torch.save_file(sd, tmp) and StateDicts.save
        same = open(tmp, "rb").read() == open(os.path.join(d, name + ".safetensors"), "rb").read()
        print(f"{name}: {describe(c)}; output {list(out.shape)} max |PyTorch - recur| {diff:.2e}; "
              f"state_dict file bytes {'identical' if same else 'DIFFER'}")
    print(f"largest difference {worst:.2e}; run tools/torch_module_check.jsh again to load the *.torch.safetensors "
          f"files into recur")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__.split("\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", nargs="?")
    ap.add_argument("--data", "--corpus", dest="data", help="the run's data file or folder, if not at its recorded path")
    ap.add_argument("--save-torch", metavar="OUT", help="write the PyTorch state_dict and compare it with the model file")
    ap.add_argument("--text", default="text", help="classify: the text column (recur's default)")
    ap.add_argument("--label", default="label", help="classify: the label column (recur's default)")
    ap.add_argument("--id", default="id", help="classify --sequences: the id column (recur's default)")
    ap.add_argument("--step", default="step", help="classify --sequences: the step column, if present (recur's default)")
    ap.add_argument("--check-modules", metavar="DIR", help="compare the modules tools/torch_module_check.jsh wrote")
    a = ap.parse_args()
    if a.check_modules:
        return check_modules(a.check_modules)
    run = a.run or latest_run()
    ck = json.load(open(os.path.join(run, "checkpoint.json"), encoding="utf-8"))
    c = model_config(ck)
    files = ck.get("files", {"model": {"name": ck.get("model_file")}})
    m = load(run, ck, c, files["model"]["name"])
    dtype = ck["model"].get("dtype", "float32")
    print(f"run {run}, step {ck['step']}: {describe(c)}, {dtype}; PyTorch {torch.__version__}, float64")
    print(f"  load_state_dict(strict=True) of {files['model']['name']}: "
          f"{sum(p.numel() for p in m.parameters())} parameters")
    recur = ck["training"]["last_validation"]
    loss, what = validation_loss(m, ck, a)
    print(f"  validation data: {what}")
    if recur["step"] != ck["step"]:
        print(f"  (the last validation was at step {recur['step']}, the model file is of step {ck['step']})")
    print(f"  model file  PyTorch loss {loss:.9f}   recur loss (training.last_validation, step {recur['step']}) "
          f"{recur['loss']:.9f}   |difference| {abs(loss - recur['loss']):.2e}")
    best = files.get("best")
    if best and best["sha256"] != files["model"]["sha256"]:
        bl, _ = validation_loss(load(run, ck, c, best["name"]), ck, a)
        rb = ck["training"]["best"]
        print(f"  best file   PyTorch loss {bl:.9f}   recur loss (training.best, step {rb['step']}) "
              f"{rb['value']:.9f}   |difference| {abs(bl - rb['value']):.2e}")
    elif best:
        print(f"  best file = model file (training.best at step {ck['training']['best']['step']})")
    if a.save_torch:
        save_torch(m, ck, run, a.save_torch)


if __name__ == "__main__":
    main()
