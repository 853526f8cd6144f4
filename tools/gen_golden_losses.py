#!/usr/bin/env python3
"""gen_golden_losses.py -- reference ("golden") cases for recur's loss functions, from PyTorch.

Every case is one safetensors file recur-core/src/test/resources/golden/losses/NAME.safetensors,
computed in float64 on the CPU with PyTorch 1.13 (Debian's python3-torch): the loss of an output
against targets, and the gradient of that loss with respect to the output by autograd.

Regenerate (from the repository root; not part of the build):

    /usr/bin/python3 tools/gen_golden_losses.py [OUTDIR]

OUTDIR defaults to recur-core/src/test/resources/golden/losses. Every case seeds torch's global
generator with its own seed, the intra-op thread count is 1, and the file is written with sorted
keys and fixed separators, so the files are byte-identical from run to run on the same PyTorch
build.

File contents
  tensors
    output          F64  [B, C] (one row per sequence) or [T, B, C] (one row per step)
    targets         I64  [N] class ids (cross-entropy; -100 or the case's ignore index = not counted)
                    F64  [N, C] values (the other losses);  N = B or T*B, row t*B + b
    lengths         I64  [B], only for per-step cases: steps t >= lengths[b] are padding
    expected_grad   F64  shape of output: d loss / d output (exactly 0 at padding and ignored rows)
  metadata (all strings)
    format_version  "1"
    case            the case's name
    description     one line in words
    loss            the loss's settings as JSON, in recur's Loss.toMap() form
                    ({"name": ..., "reduction": ..., and its own settings})
    layout          "per_sequence" or "per_step"
    steps, batch, width   T (0 per sequence), B, C
    expected_loss   the loss, repr() of a float64 (round-trips exactly)
    expected_weight the divisor of the mean: sum of the class weights of the counted rows
                    (cross-entropy), or the number of counted elements (the others)
    torch_version   torch.__version__

How the reference is computed: the output is flattened to [N, C]; for per-step cases only the rows
of real steps are selected (padding rows never reach the loss, so their gradient is 0); the rows
go through torch.nn.functional's cross_entropy (weight, ignore_index, label_smoothing),
binary_cross_entropy_with_logits (pos_weight), mse_loss, l1_loss or huber_loss (delta) with the
case's reduction, and loss.backward() gives the gradient.
"""

import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

FORMAT_VERSION = "1"
IGNORE = -100
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "recur-core", "src", "test", "resources", "golden", "losses")

torch.set_num_threads(1)


# ---------------------------------------------------------------------------
# safetensors writer (no dependency on the `safetensors` package)
# ---------------------------------------------------------------------------

def safetensors_bytes(tensors, metadata):
    """The bytes of a safetensors file: tensors {name: float64 or int64 array}, metadata {str: str}."""
    header = {"__metadata__": {k: metadata[k] for k in sorted(metadata)}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        a = tensors[name]
        if isinstance(a, torch.Tensor):
            a = a.detach().cpu().numpy()
        a = np.asarray(a)
        if a.dtype == np.float64:
            dtype, le = "F64", np.dtype("<f8")
        elif a.dtype == np.int64:
            dtype, le = "I64", np.dtype("<i8")
        else:
            raise TypeError("%s: only float64 and int64 are stored, found %s" % (name, a.dtype))
        data = np.ascontiguousarray(a, dtype=le).tobytes(order="C")
        header[name] = {"dtype": dtype, "shape": [int(s) for s in a.shape],
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":"), sort_keys=False, ensure_ascii=True).encode("utf-8")
    text += b" " * ((-len(text)) % 8)   # the header is padded with spaces to a multiple of 8 bytes
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

def CE(name, seed, desc, B, C, weights=None, smoothing=0.0, ignore=IGNORE, reduction="mean",
       T=0, lengths=None, ignored_rows=(), scale=2.0):
    return dict(name=name, seed=seed, desc=desc, B=B, C=C, T=T, lengths=lengths, scale=scale,
                ignored_rows=list(ignored_rows),
                loss={"name": "cross_entropy", "reduction": reduction,
                      "class_weights": weights, "label_smoothing": smoothing, "ignore_index": ignore})


def BCE(name, seed, desc, B, C, pos_weight=None, reduction="mean", T=0, lengths=None, scale=2.0):
    return dict(name=name, seed=seed, desc=desc, B=B, C=C, T=T, lengths=lengths, scale=scale,
                loss={"name": "binary_cross_entropy_with_logits", "reduction": reduction,
                      "pos_weight": pos_weight})


def VALUES(name, seed, desc, loss, B, C, reduction="mean", T=0, lengths=None, delta=None, zero=(), scale=1.5):
    cfg = {"name": loss, "reduction": reduction}
    if delta is not None:
        cfg["delta"] = delta
    return dict(name=name, seed=seed, desc=desc, B=B, C=C, T=T, lengths=lengths, scale=scale,
                zero=list(zero), loss=cfg)


CASES = [
    CE("ce_plain", 101, "cross-entropy, no weights, mean", B=5, C=4),
    CE("ce_single_row", 102, "cross-entropy of one step of one sequence (T = 1, B = 1)", B=1, C=3, T=1),
    CE("ce_weights", 103, "cross-entropy with class weights, mean divides by the targets' weights",
       B=6, C=4, weights=[0.5, 2.0, 1.0, 0.25]),
    CE("ce_smoothing", 104, "cross-entropy with label smoothing 0.1, mean", B=5, C=5, smoothing=0.1),
    CE("ce_weights_smoothing_ignore", 105,
       "cross-entropy with class weights (one 0), label smoothing 0.2 and two rows of id -100, mean",
       B=7, C=4, weights=[0.5, 2.0, 0.0, 1.5], smoothing=0.2, ignored_rows=(1, 4)),
    CE("ce_sum", 106, "cross-entropy, sum", B=5, C=3, reduction="sum"),
    CE("ce_sum_weights_smoothing_ignore_class", 107,
       "cross-entropy, sum, class weights, smoothing 0.3, ignore index 2 (a class id)",
       B=8, C=4, weights=[1.0, 0.5, 3.0, 2.0], smoothing=0.3, ignore=2, reduction="sum"),
    CE("ce_per_step_padded", 108,
       "cross-entropy per step, lengths [4, 2, 3]: padded rows have id -100, one real row too; mean",
       B=3, C=5, T=4, lengths=[4, 2, 3], ignored_rows=(4,)),
    CE("ce_per_step_weights_smoothing", 109,
       "cross-entropy per step, lengths [3, 1], class weights, smoothing 0.15, mean",
       B=2, C=3, T=3, lengths=[3, 1], weights=[2.0, 0.5, 1.0], smoothing=0.15),
    BCE("bce_plain", 201, "BCE with logits, soft targets (with exact 0 and 1), mean", B=4, C=3),
    BCE("bce_pos_weight", 202, "BCE with logits, pos_weight [0.5, 2, 3], soft targets, large logits, mean",
        B=4, C=3, pos_weight=[0.5, 2.0, 3.0], scale=25.0),
    BCE("bce_pos_weight_sum", 203, "BCE with logits, pos_weight [1.5, 0, 4, 1], sum",
        B=3, C=4, pos_weight=[1.5, 0.0, 4.0, 1.0], reduction="sum"),
    BCE("bce_per_step", 204, "BCE with logits per step, lengths [3, 2], pos_weight, mean",
        B=2, C=2, T=3, lengths=[3, 2], pos_weight=[2.0, 0.5]),
    VALUES("mse_mean", 301, "mean squared error, mean", "mse", B=4, C=3),
    VALUES("mse_sum_per_step", 302, "mean squared error per step, lengths [2, 3, 1], sum", "mse",
           B=3, C=2, T=3, lengths=[2, 3, 1], reduction="sum"),
    VALUES("l1_mean_exact_zero", 401, "L1 loss, mean; element 4 has an error of exactly 0 (gradient 0)", "l1",
           B=3, C=3, zero=(4,)),
    VALUES("l1_sum_per_step", 402, "L1 loss per step, lengths [1, 2], sum; element 1 has error 0", "l1",
           B=2, C=2, T=2, lengths=[1, 2], reduction="sum", zero=(1,)),
    VALUES("huber_mean", 501, "Huber loss, delta 0.7, errors on both sides of delta, mean", "huber",
           B=4, C=3, delta=0.7, scale=2.0),
    VALUES("huber_sum_per_step", 502, "Huber loss per step, delta 1.5, lengths [2, 1], sum", "huber",
           B=2, C=3, T=2, lengths=[2, 1], delta=1.5, reduction="sum", scale=3.0),
]


def valid_rows(case):
    """[N] bool: which rows of the flattened output are real steps (row t*B + b)."""
    B, T = case["B"], case["T"]
    if T == 0:
        return torch.ones(B, dtype=torch.bool)
    lengths = case["lengths"] or [T] * B
    return torch.tensor([t < lengths[b] for t in range(T) for b in range(B)], dtype=torch.bool)


def build(case):
    torch.manual_seed(case["seed"])
    B, C, T = case["B"], case["C"], case["T"]
    shape = (T, B, C) if T > 0 else (B, C)
    N = B * max(T, 1)
    cfg = case["loss"]
    name = cfg["name"]
    output = (torch.rand(shape, dtype=torch.float64) * 2 - 1) * case["scale"]
    valid = valid_rows(case)

    if name == "cross_entropy":
        targets = torch.randint(0, C, (N,), dtype=torch.int64)
        for r in case["ignored_rows"]:
            targets[r] = IGNORE if cfg["ignore_index"] == IGNORE else cfg["ignore_index"]
        targets[~valid] = IGNORE           # padding is marked with -100 (and never read)
    elif name == "binary_cross_entropy_with_logits":
        targets = torch.rand((N, C), dtype=torch.float64)
        targets[0, 0] = 0.0                # hard labels too
        targets[N - 1, C - 1] = 1.0
    else:
        targets = torch.randn((N, C), dtype=torch.float64)
        flat = output.reshape(N, C)
        for i in case["zero"]:
            flat.view(-1)[i] = targets.view(-1)[i]   # an error of exactly 0
    return output, targets, valid


def reference(case, output, targets, valid):
    """(loss, weight, gradient) by PyTorch in float64."""
    cfg = case["loss"]
    name = cfg["name"]
    C = case["C"]
    z = output.clone().requires_grad_(True)
    rows = z.reshape(-1, C)[valid]
    y = targets[valid]
    red = cfg["reduction"]
    if name == "cross_entropy":
        w = None if cfg["class_weights"] is None else torch.tensor(cfg["class_weights"], dtype=torch.float64)
        loss = F.cross_entropy(rows, y, weight=w, ignore_index=cfg["ignore_index"],
                               label_smoothing=cfg["label_smoothing"], reduction=red)
        counted = y != cfg["ignore_index"]
        weight = float(counted.sum()) if w is None else float(w[y[counted]].sum())
    else:
        if name == "binary_cross_entropy_with_logits":
            pw = None if cfg["pos_weight"] is None else torch.tensor(cfg["pos_weight"], dtype=torch.float64)
            loss = F.binary_cross_entropy_with_logits(rows, y, pos_weight=pw, reduction=red)
        elif name == "mse":
            loss = F.mse_loss(rows, y, reduction=red)
        elif name == "l1":
            loss = F.l1_loss(rows, y, reduction=red)
        elif name == "huber":
            loss = F.huber_loss(rows, y, reduction=red, delta=cfg["delta"])
        else:
            raise ValueError(name)
        weight = float(rows.numel())
    loss.backward()
    return loss.item(), weight, z.grad.detach()


def write_case(case, outdir):
    output, targets, valid = build(case)
    loss, weight, grad = reference(case, output, targets, valid)
    tensors = {"output": output, "targets": targets, "expected_grad": grad}
    if case["T"] > 0:
        tensors["lengths"] = torch.tensor(case["lengths"] or [case["T"]] * case["B"], dtype=torch.int64)
    meta = {
        "format_version": FORMAT_VERSION,
        "case": case["name"],
        "description": case["desc"],
        "loss": json.dumps(case["loss"], sort_keys=True, separators=(",", ":")),
        "layout": "per_step" if case["T"] > 0 else "per_sequence",
        "steps": str(case["T"]),
        "batch": str(case["B"]),
        "width": str(case["C"]),
        "expected_loss": repr(loss),
        "expected_weight": repr(weight),
        "torch_version": torch.__version__,
    }
    path = os.path.join(outdir, case["name"] + ".safetensors")
    with open(path, "wb") as f:
        f.write(safetensors_bytes(tensors, meta))
    return path, loss


def main(argv):
    outdir = argv[1] if len(argv) > 1 else DEFAULT_OUT
    os.makedirs(outdir, exist_ok=True)
    names = [c["name"] for c in CASES]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate case names")
    for case in CASES:
        path, loss = write_case(case, outdir)
        print("%-45s loss %r" % (os.path.relpath(path), loss))


if __name__ == "__main__":
    main(sys.argv)
