#!/usr/bin/env python3
"""Recurrent stacks exported by torch.onnx.export with fixed shapes (no dynamic axes), for the importer's
test of that form: PyTorch then builds the zero initial states with Expand instead of ConstantOfShape.

Usage (Debian's python3-torch): /usr/bin/python3 tools/gen_onnx_fixed_shape.py OUTDIR
Writes NAME.onnx and NAME.ref.safetensors (inputs and PyTorch's float32 outputs as F64, tokens as I64;
metadata kind, inputs, outputs) as the bundled golden cases are written.
"""
import os, sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recur_data import write_safetensors


class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(4, 5, num_layers=2, bidirectional=True)

    def forward(self, x):
        y, (h, c) = self.rnn(x)
        return y, h, c


class CharLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(11, 4)
        self.rnn = nn.GRU(4, 6)
        self.head = nn.Linear(6, 11)

    def forward(self, tokens):
        return self.head(self.rnn(self.embedding(tokens))[0])


def export(name, module, x, kind, in_name, out_names, outdir):
    module.eval()
    with torch.no_grad():
        outs = module(x)
    outs = outs if isinstance(outs, tuple) else (outs,)
    torch.onnx.export(module, (x,), os.path.join(outdir, name + ".onnx"), opset_version=14,
                      input_names=[in_name], output_names=out_names, do_constant_folding=True)
    tensors = {in_name: x if x.dtype == torch.int64 else x.double()}
    for n, t in zip(out_names, outs):
        tensors[n] = t.double()
    write_safetensors(tensors, os.path.join(outdir, name + ".ref.safetensors"),
                      {"kind": kind, "inputs": in_name, "outputs": ",".join(out_names), "opset": "14",
                       "shapes": "fixed", "torch_version": torch.__version__})


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(31)
    export("fixed_stack_lstm_2l_bi", Stack(), torch.randn(6, 3, 4), "stack", "x", ["y", "h_n", "c_n"], out)
    export("fixed_charlm_gru_1l", CharLM(), torch.randint(0, 11, (7, 2)), "charlm", "tokens", ["logits"], out)
