#!/usr/bin/env python3
"""Load a recur checkpoint into PyTorch and reproduce its validation loss.

Usage (Debian's python3-torch; not part of CI):
    /usr/bin/python3 tools/torch_reload.py [RUN_DIR] [--corpus FILE]

RUN_DIR defaults to the newest folder under runs/ that holds a checkpoint.json. The corpus defaults
to the one recorded in the checkpoint (the bundled tinyshakespeare when it was used); its SHA-256 is
checked against the checkpoint's. The weights are read from the checkpoint's model file (safetensors,
PyTorch state_dict names) into nn.Embedding -> nn.LSTM/nn.GRU -> nn.Linear with load_state_dict, and
the validation loss is computed with the reference protocol (the last 10% of the characters cut into
B streams, chunks of T steps, state carried, cross-entropy averaged over every predicted character),
in float64. Prints both losses and their difference.
"""
import argparse, hashlib, json, os, struct, sys

import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUNDLED = os.path.join(REPO, "recur-core", "src", "main", "resources", "dev", "recur", "data", "tinyshakespeare.txt")
DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}


def read_safetensors(path):
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
        t = torch.frombuffer(bytearray(data[b:end]), dtype=DTYPES[e["dtype"]])
        out[name] = t.reshape(e["shape"]).clone()
    return out


def latest_run(root="runs"):
    runs = [os.path.join(root, d) for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "checkpoint.json"))]
    if not runs:
        sys.exit(f"no run with a checkpoint.json under {root}/")
    return max(runs, key=lambda d: os.path.getmtime(os.path.join(d, "checkpoint.json")))


def char_model(ck):
    """The character model's settings from a manifest of format 1 (model fields at the top of "model",
    corpus and vocabulary at the top level) or format 2 (model.config, provenance.data, preprocessing)."""
    if ck["format_version"] == 1:
        m, train = ck["model"], ck["training"]["config"]
        return dict(cell=m["cell"], V=m["vocab_size"], E=m["embedding_dim"], H=m["hidden_size"],
                    L=m["num_layers"], dtype=m["dtype"], corpus=ck["provenance"]["corpus"],
                    code_points=ck["vocabulary"]["code_points"], batch=train["batch"], seq=train["seq"],
                    train_fraction=train["train_fraction"])
    c, data = ck["model"]["config"], ck["training"]["data"]
    if ck["model"]["type"] != "sequence_model" or c["pooling"] != "none" or c["vocab_size"] == 0:
        sys.exit("the run does not hold a character model")
    return dict(cell=c["cell"], V=c["vocab_size"], E=c["embedding_dim"], H=c["hidden_size"], L=c["num_layers"],
                dtype=ck["model"]["dtype"], corpus=ck["provenance"]["data"],
                code_points=ck["preprocessing"]["vocabulary"]["code_points"], batch=data["batch"], seq=data["seq"],
                train_fraction=data["train_fraction"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run", nargs="?")
    ap.add_argument("--corpus")
    a = ap.parse_args()
    run = a.run or latest_run()
    ck = json.load(open(os.path.join(run, "checkpoint.json"), encoding="utf-8"))
    cfg = char_model(ck)
    corpus = cfg["corpus"]
    path = a.corpus or (corpus["source"] if os.path.isfile(corpus["source"]) else BUNDLED)
    raw = open(path, "rb").read()
    if hashlib.sha256(raw).hexdigest() != corpus["sha256"]:
        sys.exit(f"{path}: SHA-256 differs from the checkpoint's corpus ({corpus['sha256']})")
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    code_points = cfg["code_points"]
    idx = {chr(c): i for i, c in enumerate(code_points)}
    data = torch.tensor([idx[c] for c in text], dtype=torch.long)
    n = int(len(data) * cfg["train_fraction"])
    val = data[n:]
    V, E, H, L = cfg["V"], cfg["E"], cfg["H"], cfg["L"]
    B, T = cfg["batch"], cfg["seq"]

    class M(nn.Module):
        def __init__(s):
            super().__init__()
            s.embedding = nn.Embedding(V, E)
            s.rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[cfg["cell"]](E, H, L)
            s.head = nn.Linear(H, V)

        def forward(s, x, st=None):
            y, st = s.rnn(s.embedding(x), st)
            return s.head(y), st

    m = M().double()
    weights = read_safetensors(os.path.join(run, ck["files"]["model"]["name"]))
    m.load_state_dict({k: v.double() for k, v in weights.items()})
    m.eval()
    with torch.no_grad():
        Lv = (len(val) - 1) // B
        vx = val[:-1][: Lv * B].view(B, Lv).t()
        vy = val[1:][: Lv * B].view(B, Lv).t()
        st, tot, cnt = None, 0.0, 0
        for p in range(0, Lv, T):
            lo, st = m(vx[p:p + T], st)
            tot += F.cross_entropy(lo.reshape(-1, V), vy[p:p + T].reshape(-1), reduction="sum").item()
            cnt += vy[p:p + T].numel()
    loss = tot / cnt
    recur = ck["training"]["last_validation"]
    print(f"run {run}, step {ck['step']}: {L}-layer {cfg['cell']} {H}, V={V}, dtype {cfg['dtype']}")
    print(f"PyTorch {torch.__version__} validation loss: {loss:.6f} nats/char over {cnt} characters")
    print(f"recur validation loss (checkpoint.json): {recur['loss']:.6f} nats/char at step {recur['step']}")
    print(f"|difference| = {abs(loss - recur['loss']):.2e}")


if __name__ == "__main__":
    main()
