#!/usr/bin/env python3
"""PyTorch twins of `recur classify train --sequences` and `recur forecast train --model lstm`.

Same data, same split, same preprocessing, same model and optimiser as recur's task commands (see
bench/tasks-vs-torch.sh). Prints one JSON line per run:
  {"case": ..., "examples": N, "train_seconds": s, "examples_per_s": N/s, "metric": ..., "value": v}
Only the training loop is timed (batch gathering, forward, backward, clipping, Adam step); data
loading, the split and the validation passes are not.

usage: tasks_torch.py classify DATA.csv EPOCHS [SEED]
       tasks_torch.py forecast DATA.csv EPOCHS [SEED]
"""
import csv
import json
import sys
import time

import os

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from recur_data import java_round, stratified_split  # ports of recur's split

torch.set_num_threads(2)

def train_loop(model, loss_fn, x, y, epochs, batch, lr, clip, seed, seq_first=True, budget=0.0, validate=None):
    """Adam over shuffled mini-batches (the last one partial) for `epochs` epochs, or, with a time
    budget in seconds, until the training time reaches it (checked after each step, as recur's
    trainer does); `validate` (if given) runs after each epoch, outside the timing, as recur's
    trainer validates once an epoch. Returns (training seconds, examples processed)."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    n = y.shape[0]
    model.train()
    seen = 0
    t0 = time.perf_counter()
    for epoch in range(epochs if budget <= 0 else 10 ** 9):
        if epoch > 0 and validate is not None:
            paused = time.perf_counter()
            model.eval()
            with torch.no_grad():
                validate()
            model.train()
            t0 += time.perf_counter() - paused
        perm = torch.randperm(n, generator=g)
        for s in range(0, n, batch):
            b = perm[s:s + batch]
            xb = x[:, b] if seq_first else x[b]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), y[b])
            loss.backward()
            if clip > 0:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            seen += b.shape[0]
            if budget > 0 and time.perf_counter() - t0 >= budget:
                return time.perf_counter() - t0, seen
    return time.perf_counter() - t0, seen


class Classifier(nn.Module):
    """x → dropout → BiLSTM → max over steps → dropout → Linear (recur: SequenceModelConfig)."""

    def __init__(self, features, hidden, classes, dropout):
        super().__init__()
        self.inp = nn.Dropout(dropout)
        self.rnn = nn.LSTM(features, hidden, bidirectional=True)
        self.out = nn.Dropout(dropout)
        self.head = nn.Linear(2 * hidden, classes)

    def forward(self, x):  # [T, B, F]
        y, _ = self.rnn(self.inp(x))
        return self.head(self.out(y.max(dim=0).values))


def classify(path, epochs, seed, budget=0.0):
    seqs, labels, order = {}, {}, []
    with open(path, newline="") as f:
        r = csv.DictReader(f)
        feats = [c for c in r.fieldnames if c not in ("id", "step", "label")]
        for row in r:
            i = row["id"]
            if i not in seqs:
                seqs[i] = []
                order.append(i)
                labels[i] = row["label"]
            seqs[i].append((float(row["step"]), [float(row[c]) for c in feats]))
    x = torch.tensor([[v for _, v in sorted(seqs[i], key=lambda s: s[0])] for i in order],
                     dtype=torch.float64)  # [N, T, F]
    label_list = [labels[i] for i in order]
    classes = sorted(set(label_list))
    y = torch.tensor([classes.index(l) for l in label_list])
    tr, va, _ = stratified_split(label_list, 0.1, 0.1, seed)
    tr, va = torch.tensor(tr), torch.tensor(va)
    flat = x[tr].reshape(-1, x.shape[2])
    mean, std = flat.mean(0), flat.std(0, unbiased=False)
    std[std <= 0] = 1
    x = ((x - mean) / std).float().transpose(0, 1).contiguous()  # [T, N, F]
    torch.manual_seed(seed)
    # recur's classifier: dropout 0.2 on its input and before its head (one layer: none between layers)
    model = Classifier(x.shape[2], 64, len(classes), 0.2)
    xt, yt = x[:, tr].contiguous(), y[tr]
    losses = []
    xv, yv = x[:, va].contiguous(), y[va]
    secs, n = train_loop(model, nn.CrossEntropyLoss(), xt, yt, epochs, 32, 3e-3, 1.0, seed, budget=budget,
                         validate=lambda: losses.append(nn.functional.cross_entropy(model(xv), yv).item()))
    model.eval()
    with torch.no_grad():
        logits = model(xv)
        losses.append(nn.functional.cross_entropy(logits, yv).item())
        acc = (logits.argmax(1) == yv).double().mean().item()
    return {"case": "classify", "examples": n, "train_seconds": secs, "examples_per_s": n / secs,
            "metric": "best validation loss", "value": min(losses), "final_accuracy": acc}


class Forecaster(nn.Module):
    """x → LSTM → last step → Linear(horizon)."""

    def __init__(self, features, hidden, outputs):
        super().__init__()
        self.rnn = nn.LSTM(features, hidden)
        self.head = nn.Linear(hidden, outputs)

    def forward(self, x):  # [T, B, F]
        y, _ = self.rnn(x)
        return self.head(y[-1])


def forecast(path, epochs, seed, budget=0.0, window=28, horizon=7):
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        v = torch.tensor([float(row[1]) for row in r], dtype=torch.float64)
    rows = len(v)
    n_val = n_test = java_round(rows * 0.15)
    train_end, val_end = rows - n_val - n_test, rows - n_test
    mean = v[:train_end].mean()
    std = v[:train_end].std(unbiased=False)

    def windows(lo, hi):
        origins = range(max(lo, window), hi - horizon + 1)
        xs = torch.stack([(v[o - window:o] - mean) / std for o in origins]).float()
        ys = torch.stack([(v[o:o + horizon] - v[o - 1]) / std for o in origins]).float()
        return xs.T.unsqueeze(2).contiguous(), ys  # [T, N, 1], [N, H]

    xt, yt = windows(0, train_end)
    xv, yv = windows(train_end, val_end)
    torch.manual_seed(seed)
    model = Forecaster(1, 32, horizon)
    # recur's forecaster: Adam lr 0.003, batch 32, gradient norm clipped at 1.0
    losses = []
    secs, n = train_loop(model, nn.MSELoss(), xt, yt, epochs, 32, 3e-3, 1.0, seed, budget=budget,
                         validate=lambda: losses.append(nn.functional.mse_loss(model(xv), yv).item()))
    model.eval()
    with torch.no_grad():
        losses.append(nn.functional.mse_loss(model(xv), yv).item())
    val = min(losses)   # the best model, as recur's early stopping keeps it
    return {"case": "forecast", "examples": n, "train_seconds": secs, "examples_per_s": n / secs,
            "metric": "best validation MSE (standardised changes)", "value": val, "final": losses[-1]}


if __name__ == "__main__":
    # tasks_torch.py CASE DATA LIMIT [SEED]: LIMIT is a number of epochs, or seconds of training ("20s")
    case, data, limit = sys.argv[1], sys.argv[2], sys.argv[3]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    budget = float(limit[:-1]) if limit.endswith("s") else 0.0
    epochs = 0 if budget > 0 else int(limit)
    print(json.dumps({"classify": classify, "forecast": forecast}[case](data, epochs, seed, budget)))
