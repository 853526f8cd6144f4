# Exports the bare recurrent stacks of the standard workloads (workloads.json; recur-core's
# dev.recur.bench.Workloads) from PyTorch with torch.onnx.export, opset 14: forward = the stack only,
# zero initial state, float32, graph input x [T,B,I], output y [T,B,H].
#
# DIR/Wn.onnx has dynamic axes T and B, the form recur's importer reads (as its test models in
# recur-onnx/src/test/resources/onnx). DIR/Wn.static.onnx is the same module exported with fixed
# shapes, as shared/bench/export_onnx.py writes them for bench/compare.sh: PyTorch then builds the
# zero initial states with Expand, which the importer refuses; only ONNX Runtime runs that file.
# Wn.x.bin and Wn.y.bin are raw little-endian float32: the input and PyTorch's output on it.
#
# Usage: /usr/bin/python3 bench/onnx_import_export.py DIR [W1,W2,W6]
# Needs PyTorch (Debian's python3-torch, 1.13); the onnx Python package is not needed.
import os
import sys

import torch

SHAPES = {  # cell, B, T, I, H, L, as in workloads.json
    "W1": ("LSTM", 32, 100, 128, 256, 1),
    "W2": ("LSTM", 64, 128, 512, 512, 2),
    "W3": ("GRU", 32, 100, 128, 256, 1),
    "W4": ("GRU", 64, 128, 512, 512, 2),
    "W5": ("RNN", 32, 100, 128, 256, 1),
    "W6": ("LSTM", 1, 1, 512, 512, 2),
    "W7": ("LSTM", 1, 1000, 128, 128, 1),
}


class Stack(torch.nn.Module):
    def __init__(self, cell, i, h, layers):
        super().__init__()
        self.rnn = getattr(torch.nn, cell)(i, h, num_layers=layers)

    def forward(self, x):
        return self.rnn(x)[0]


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: onnx_import_export.py DIR [W1,W2,W6]")
    out = sys.argv[1]
    names = sys.argv[2].split(",") if len(sys.argv) > 2 else ["W1", "W2", "W6"]
    os.makedirs(out, exist_ok=True)
    for name in names:
        if name not in SHAPES:
            sys.exit(f"onnx_import_export.py: unknown workload {name}; expected one of {', '.join(SHAPES)}")
        cell, b, t, i, h, layers = SHAPES[name]
        torch.manual_seed(0)
        m = Stack(cell, i, h, layers).eval()
        x = torch.randn(t, b, i)
        with torch.no_grad():
            y = m(x)
        for suffix, axes in ((".onnx", {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}), (".static.onnx", None)):
            torch.onnx.export(m, (x,), os.path.join(out, name + suffix), opset_version=14,
                              input_names=["x"], output_names=["y"], dynamic_axes=axes, do_constant_folding=True)
        x.numpy().astype("<f4").tofile(os.path.join(out, name + ".x.bin"))
        y.numpy().astype("<f4").tofile(os.path.join(out, name + ".y.bin"))
        print(f"{name}: exported {cell} I{i} H{h} L{layers}, x {tuple(x.shape)} -> y {tuple(y.shape)}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
