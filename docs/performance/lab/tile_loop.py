#!/usr/bin/env python3
"""The 6-row tile's inner loop as HotSpot compiles it on this machine, and llvm-mca's estimate of
its cycles per step on the CPU models named.

Runs `./recur bench` (W2 forward, one thread) twice, with the rows of A read where they lie and
packed into strips (-Drecur.gemm=strips=1), printing the compiled tile6 and tile6p; takes each
one's innermost loop with 24 fused multiply-adds, lists what else it does per step of p, and asks
llvm-mca for the steady-state cycles per step (24 FMAs on two ports take 12).

Needs: HotSpot's disassembler plugin (Debian: apt-get install libhsdis0-fcml; its decoder does not
know AVX-512, so the code comes out as bytes, which objdump decodes here), binutils' objdump, and
llvm-mca (Debian: llvm). Run from the repository root:

    python3 docs/performance/lab/tile_loop.py [CPU ...]     (default: skylake-avx512 icelake-server)
"""
import os
import re
import subprocess
import sys
import tempfile

CPUS = sys.argv[1:] or ["skylake-avx512", "icelake-server"]
KERNEL = "dev.recur.tensor.FloatVectorKernels"


def compiled(method, gemm):
    """The bytes and start address of the last C2 compile of `method`."""
    env = dict(os.environ, JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,%s::%s%s"
               % (KERNEL, method, " -Drecur.gemm=" + gemm if gemm else ""))
    out = subprocess.run(["./recur", "bench", "--threads", "1", "--workload", "W2", "--mode", "forward",
                          "--iters", "2", "--warmup-time", "5"], env=env, capture_output=True, text=True).stdout
    last = out.rfind("Compiled method (c2)")
    if last < 0:
        sys.exit("tile_loop.py: no C2 compile of %s printed (is hsdis installed?)" % method)
    memory = {}
    for line in out[last:].splitlines():
        m = re.match(r"\s*0x([0-9a-f]+): ((?:[0-9a-f]{2,8}\s*\|?\s*)+)$", line)
        if m:
            hexes = re.sub(r"[\s|]", "", m.group(2))
            for i in range(0, len(hexes), 2):
                memory[int(m.group(1), 16) + i // 2] = int(hexes[i:i + 2], 16)
    start = min(memory)
    return start, bytes(memory.get(a, 0x90) for a in range(start, max(memory) + 1))


def innermost_loop(start, code):
    """The instructions of the shortest backward-jump loop holding 24 FMAs."""
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(code)
        f.flush()
        listing = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "-M", "intel",
                                  "--adjust-vma=%#x" % start, f.name], capture_output=True, text=True).stdout
    ins = [(int(m.group(1), 16), m.group(2).strip()) for m in
           (re.match(r"\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)", l) for l in listing.splitlines()) if m]
    best = None
    for address, text in ins:
        m = re.match(r"j\w+\s+0x([0-9a-f]+)", text)
        if m and int(m.group(1), 16) < address:
            body = [t for a, t in ins if int(m.group(1), 16) <= a <= address]
            if sum("vfmadd" in t for t in body) == 24 and (best is None or len(body) < len(best)):
                best = body
    return best


def mca(body, cpu):
    """llvm-mca's cycles per pass of the loop."""
    lines = [".intel_syntax noprefix", "L0:"]
    for t in body:
        t = re.sub(r"(ZMM|DWORD|QWORD)WORD PTR|(DWORD|QWORD) PTR", lambda m: m.group(0).lower(), t)
        lines.append(re.sub(r"^(j\w+)\s+0x[0-9a-f]+.*", r"\1 L0", t))
    out = subprocess.run(["llvm-mca", "-mcpu=" + cpu, "-iterations=1000"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True).stdout
    return int(re.search(r"Total Cycles:\s+(\d+)", out).group(1)) / 1000


for method, gemm in (("tile6", "strips=0"), ("tile6p", "strips=1")):
    body = innermost_loop(*compiled(method, gemm))
    other = [t for t in body if "vfmadd" not in t]
    loads = [t for t in other if "zmmword" in t.lower() or "vbroadcast" in t]
    print("%s: %d instructions a step: 24 FMAs, %d vector loads and broadcasts, %d others" % (
        method, len(body), len(loads), len(other) - len(loads)))
    for t in other:
        if t not in loads:
            print("    " + t)
    for cpu in CPUS:
        print("  llvm-mca -mcpu=%s: %.2f cycles a step (24 FMAs: 12)" % (cpu, mca(body, cpu)))
