#!/usr/bin/env python3
"""scripts/bench-train's summary table from the peers' JSON lines.

  train_summary.py SUMMARY.jsonl
"""
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
book = [r for r in rows if r.get("config", "book") == "book" and "onecycle" not in r["impl"]]
f32 = next((r for r in book if r["impl"] == "mcnd-f32"), None)
bf16 = next((r for r in book if r["impl"] == "mcnd-bf16"), None)
def ratio(r, base):
    return "%.2fx" % (r["median_s"] / base["median_s"]) if base else "-"
def floor(r):
    return "%.4f %5.2fx" % (r["floor_s"], r["floor_ratio"]) if r.get("floor_s") else "-"
print("%-14s%9s%9s%9s%9s  %-17s%-17s%-15s %s" % ("implementation", "median", "min", "max", "val_acc",
      "mcnd-bf16 is", "mcnd-f32 is", "products, x", "kernel"))
for r in book:
    print("%-14s%9.4f%9.4f%9.4f%9.4f  %-17s%-17s%-15s %s" % (r["impl"], r["median_s"], r["min_s"], r["max_s"],
          r["val_accuracy"], ratio(r, bf16) + " faster", ratio(r, f32) + " faster", floor(r), r.get("kernel", "")))
print("(products, x: the epoch's matrix products alone, s/epoch, and the epoch as a multiple of them)")
print()
for r in rows:
    if r in book:
        continue
    reached = r.get("to_0895_s")
    print("%-22s training %6.3f s over %2d epochs; 0.895 validation after %s; final val_accuracy %.4f" % (
          r["impl"] + (" (default)" if r.get("config") == "default" else ""), r.get("training_s", float("nan")), r["epochs"],
          ("%.3f s" % reached) if reached is not None else "- (not reached)", r["val_accuracy"]))
mine = next((r for r in rows if r["impl"].startswith("mcnd") and r.get("config") == "default"), None)
peer = next((r for r in rows if r["impl"] == "torch-f32-onecycle"), None)
if mine and peer and mine.get("to_0895_s") and peer.get("to_0895_s"):
    print("time to 0.895: mcnd %.2fx faster than the PyTorch recipe" % (peer["to_0895_s"] / mine["to_0895_s"]))
