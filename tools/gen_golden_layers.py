#!/usr/bin/python3
"""gen_golden_layers.py -- PyTorch reference cases for recur's feed-forward layers.

Covers dev.recur.nn.Pooling (last, mean, max, attention), LayerNorm, Activation and Concat.
Every case is one safetensors file CASE.safetensors, computed in float64 on the CPU by PyTorch
(torch 1.13, Debian's /usr/bin/python3): the inputs, the parameters, an upstream gradient dy,
the output y and every gradient of L = sum(y * dy), from torch autograd.

Regenerate (from the repository root):

    /usr/bin/python3 tools/gen_golden_layers.py recur-core/src/test/resources/golden/layers

The files are byte-for-byte reproducible on the same PyTorch build: every case seeds torch's
generator with its own seed, the intra-op thread count is 1, and the header is written with
sorted keys.  The layout of a file is described in README.md of that folder.
"""

import json
import os
import struct
import sys

import torch
import torch.nn as nn

torch.set_num_threads(1)
DTYPE = torch.float64
FORMAT = "1"


# ---------------------------------------------------------------------------
# safetensors: 8-byte little-endian header length, JSON header (padded with
# spaces to a multiple of 8 bytes), then the tensors' bytes back to back.
# ---------------------------------------------------------------------------

def safetensors_bytes(tensors, metadata):
    """The bytes of a safetensors file holding float64 and int64 tensors, in name order."""
    header = {"__metadata__": dict(metadata)}
    body = bytearray()
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        if t.dtype == torch.float64:
            dtype, code = "F64", "d"
        elif t.dtype == torch.int64:
            dtype, code = "I64", "q"
        else:
            raise TypeError("%s: only float64 and int64 are written, found %s" % (name, t.dtype))
        values = t.reshape(-1).tolist()
        begin = len(body)
        body += struct.pack("<%d%s" % (len(values), code), *values)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [begin, len(body)]}
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + bytes(body)


# ---------------------------------------------------------------------------
# reference layers, written with plain PyTorch operations
# ---------------------------------------------------------------------------

def valid(lengths, steps):
    """[T, B] mask: True where step t is inside sequence b."""
    return torch.arange(steps).unsqueeze(1) < lengths.unsqueeze(0)


def pool_last(x, lengths, directions):
    steps, batch, width = x.shape
    forward = x[lengths - 1, torch.arange(batch)]               # [B, F]: step len-1 of each sequence
    if directions == 1:
        return forward
    half = width // 2
    return torch.cat([forward[:, :half], x[0, :, half:]], dim=1)  # backward direction ends at step 0


def pool_mean(x, lengths):
    m = valid(lengths, x.shape[0]).unsqueeze(2).to(x.dtype)
    return (x * m).sum(0) / lengths.to(x.dtype).unsqueeze(1)


def pool_max(x, lengths):
    m = valid(lengths, x.shape[0]).unsqueeze(2)
    return x.masked_fill(~m, float("-inf")).max(dim=0).values


class AttentionPool(nn.Module):
    """u_t = tanh(W_p x_t + b_p), s_t = u_t . q, alpha = softmax over valid steps, y = sum alpha_t x_t."""

    def __init__(self, width, size):
        super().__init__()
        self.proj = nn.Linear(width, size)
        self.query = nn.Parameter(torch.randn(size) / size ** 0.5)

    def forward(self, x, lengths):
        u = torch.tanh(self.proj(x))                               # [T, B, A]
        s = (u * self.query).sum(2)                                # [T, B]
        s = s.masked_fill(~valid(lengths, x.shape[0]), float("-inf"))
        alpha = torch.softmax(s, dim=0)                            # 0 on padding
        return (alpha.unsqueeze(2) * x).sum(0)


ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

def sequence(steps, batch, width, scale=1.0):
    return (torch.randn(steps, batch, width, dtype=DTYPE) * scale).requires_grad_()


def finish(inputs, params, y, extra):
    """Back-propagates L = sum(y * dy) and collects every tensor of the case."""
    dy = torch.randn(y.shape, dtype=DTYPE)
    (y * dy).sum().backward()
    tensors = {"dy": dy, "y": y.detach()}
    for name, x in inputs.items():
        tensors[name] = x.detach()
        tensors["d" + name] = x.grad
    for name, p in params:
        tensors["param." + name] = p.detach()
        tensors["grad." + name] = p.grad
    tensors.update(extra)
    return tensors


def pooling_case(kind, steps, lengths, width, directions=1, size=0):
    lengths = torch.tensor(lengths, dtype=torch.int64)
    x = sequence(steps, len(lengths), width)
    params = []
    if kind == "last":
        y = pool_last(x, lengths, directions)
    elif kind == "mean":
        y = pool_mean(x, lengths)
    elif kind == "max":
        y = pool_max(x, lengths)
    else:
        module = AttentionPool(width, size).to(DTYPE)
        params = list(module.named_parameters())
        y = module(x, lengths)
    meta = {"kind": "pooling", "pooling": kind, "directions": str(directions), "attention_size": str(size),
            "parameters": ",".join(n for n, _ in params)}
    return finish({"x": x}, params, y, {"lengths": lengths}), meta


def layer_norm_case(shape, lengths, affine):
    module = nn.LayerNorm(shape[-1], eps=1e-5, elementwise_affine=affine).to(DTYPE)
    if affine:
        with torch.no_grad():   # away from the initial 1 and 0, so that both matter
            module.weight.copy_(1 + 0.3 * torch.randn(shape[-1], dtype=DTYPE))
            module.bias.copy_(0.3 * torch.randn(shape[-1], dtype=DTYPE))
    x = (torch.randn(shape, dtype=DTYPE) * 2 + 0.5).requires_grad_()
    params = list(module.named_parameters())
    extra = {} if lengths is None else {"lengths": torch.tensor(lengths, dtype=torch.int64)}
    meta = {"kind": "layernorm", "affine": "true" if affine else "false", "eps": "1e-05",
            "parameters": ",".join(n for n, _ in params)}
    return finish({"x": x}, params, module(x), extra), meta


def activation_case(kind, shape, lengths):
    x = torch.randn(shape, dtype=DTYPE) * 2
    if kind == "relu":
        x.view(-1)[0] = 0.0   # relu'(0) = 0
    x.requires_grad_()
    extra = {} if lengths is None else {"lengths": torch.tensor(lengths, dtype=torch.int64)}
    meta = {"kind": "activation", "activation": kind, "parameters": ""}
    return finish({"x": x}, [], ACTIVATIONS[kind](x), extra), meta


def concat_case(steps, lengths, width1, width2):
    x1 = sequence(steps, len(lengths), width1)
    x2 = sequence(steps, len(lengths), width2)
    meta = {"kind": "concat", "parameters": ""}
    y = torch.cat([x1, x2], dim=2)
    return finish({"x1": x1, "x2": x2}, [], y, {"lengths": torch.tensor(lengths, dtype=torch.int64)}), meta


CASES = [
    # name, seed, builder
    ("pool_last_uni_t5_b3", 101, lambda: pooling_case("last", 5, [5, 2, 4], 4)),
    ("pool_last_bi_t5_b3", 102, lambda: pooling_case("last", 5, [3, 5, 1], 6, directions=2)),
    ("pool_mean_t6_b3", 103, lambda: pooling_case("mean", 6, [6, 1, 3], 4)),
    ("pool_max_t6_b3", 104, lambda: pooling_case("max", 6, [2, 6, 4], 5)),
    ("pool_attention_t6_b3", 105, lambda: pooling_case("attention", 6, [4, 6, 1], 5, size=3)),
    ("pool_attention_t1_b1", 106, lambda: pooling_case("attention", 1, [1], 3, size=2)),
    ("layernorm_affine_t4_b3", 201, lambda: layer_norm_case((4, 3, 6), [4, 2, 3], True)),
    ("layernorm_plain_b4", 202, lambda: layer_norm_case((4, 5), None, False)),
    ("activation_tanh_t4_b2", 301, lambda: activation_case("tanh", (4, 2, 3), [4, 2])),
    ("activation_relu_b5", 302, lambda: activation_case("relu", (5, 4), None)),
    ("activation_sigmoid_t3_b2", 303, lambda: activation_case("sigmoid", (3, 2, 4), [1, 3])),
    ("concat_t5_b3", 401, lambda: concat_case(5, [5, 3, 2], 2, 4)),
]


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: gen_golden_layers.py OUTDIR\n")
        return 2
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    for name, seed, build in CASES:
        torch.manual_seed(seed)
        tensors, meta = build()
        meta.update({"format": FORMAT, "case": name, "seed": str(seed), "generator": "tools/gen_golden_layers.py",
                     "torch": torch.__version__})
        with open(os.path.join(out, name + ".safetensors"), "wb") as f:
            f.write(safetensors_bytes(tensors, meta))
        print("wrote", name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
