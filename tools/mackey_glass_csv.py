#!/usr/bin/env python3
"""mackey_glass_csv.py -- the Mackey-Glass series of docs/tasks.md as a CSV for `recur forecast`.

    /usr/bin/python3 tools/mackey_glass_csv.py > mackey-glass.csv
    ./recur forecast train --data mackey-glass.csv --time-column t --window 24 --horizon 10 --model lstm ...

tau = 17, integrated with step 0.1 and sampled every 6 time units (60 steps), from a constant history
of 1.2, the first 50 samples dropped: 1,000 samples, the same numbers as
dev.recur.forecast.MackeyGlass.generate(1000, 17, 0.1, 60, 1.2, 50) (same integrator; see
gen_mackey_glass_reference.py). Generated data: a sanity check of nonlinear forecasting, not a data set.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_mackey_glass_reference import generate  # noqa: E402

print("t,x")
for i, x in enumerate(generate(1000, 17, 0.1, 60, 1.2, 50)):
    print("%d,%r" % (i, x))
