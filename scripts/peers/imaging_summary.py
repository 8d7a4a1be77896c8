#!/usr/bin/env python3
"""The table scripts/bench-imaging prints: mcnd's decode + normalize times beside Pillow's.

  imaging_summary.py WORK   (WORK holds mcnd.txt, pillow-small.txt, pillow-large.txt)
"""
import sys
work = sys.argv[1]
mcnd = {line.split()[0]: [float(v) for v in line.split()[1:]] for line in open(f"{work}/mcnd.txt")}
pillow = {
    "gray28": [float(v) for v in open(f"{work}/pillow-small.txt").read().split()],
    "rgba1000": [float(v) for v in open(f"{work}/pillow-large.txt").read().split()],
}
labels = {
    "gray28": "28x28 gray PNG -> 28x28 gray",
    "rgba1000": "1000x1000 RGBA PNG -> 28x28 gray",
}
def fmt(us):
    return f"{us:,.1f} us" if us < 1000 else f"{us / 1000:,.2f} ms"
print(f"{'decode + normalize from memory':34} {'':5} {'median':>11} {'min':>11} {'max':>11}")
for key in ("gray28", "rgba1000"):
    for name, row in (("mcnd", mcnd[key]), ("Pillow", pillow[key])):
        print(f"{labels[key] if name == 'mcnd' else '':34} {name:6} {fmt(row[0]):>11} {fmt(row[1]):>11} {fmt(row[2]):>11}")
    print(f"{'':34} {'ratio':6} {'Pillow / mcnd = %.1fx' % (pillow[key][0] / mcnd[key][0]):>35}")
