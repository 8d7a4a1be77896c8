#!/usr/bin/env python3
"""An independent computation of report.json's evaluation, for the report test.

Reads the validation rows from ROOT/state/mcnd.sqlite, the serving model from
ROOT/state/models/model-N.npz, computes the probabilities with numpy (float64),
then the confusion matrix, per-class precision/recall/F1 with macro and
weighted averages, and the ECE over ten equal-width bins (b/10, (b+1)/10].
Prints one JSON object; the test compares it with report.json.

usage: report_reference.py ROOT
"""
import json
import sqlite3
import sys

import numpy as np


def main(root):
    report = json.load(open(f"{root}/outbox/report.json"))
    version = report["model"]["version"]
    m = np.load(f"{root}/state/models/model-{version}.npz")
    meta = json.loads(m["meta"].tobytes())
    spec = meta["input"]
    db = sqlite3.connect(f"file:{root}/state/mcnd.sqlite?mode=ro", uri=True)
    labels = [r[0] for r in db.execute("SELECT name FROM labels ORDER BY idx")]
    rows = db.execute(
        "SELECT label_idx, pixels FROM examples WHERE split = 'validation' AND width = ? AND height = ? AND channels = ? ORDER BY id",
        (spec["width"], spec["height"], spec["channels"])).fetchall()
    y = np.array([r[0] for r in rows])
    x = np.stack([np.frombuffer(r[1], dtype=np.uint8) for r in rows]).astype(np.float64) / 255
    w1, b1, w2, b2 = (m[k].astype(np.float64) for k in ("W1", "b1", "W2", "b2"))
    z = (1 / (1 + np.exp(-(x @ w1 + b1)))) @ w2 + b2
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    predicted = p.argmax(axis=1)
    confidence = p.max(axis=1)

    k = len(labels)
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (y, predicted), 1)
    tp = np.diag(confusion).astype(float)
    support = confusion.sum(axis=1)
    predicted_as = confusion.sum(axis=0)
    precision = np.divide(tp, predicted_as, out=np.zeros(k), where=predicted_as > 0)
    recall = np.divide(tp, support, out=np.zeros(k), where=support > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros(k), where=precision + recall > 0)
    occurring = (support > 0) | (predicted_as > 0)

    def average(weights):
        weights = weights[occurring]
        return {name: float((v[occurring] * weights).sum() / weights.sum()) for name, v in
                (("precision", precision), ("recall", recall), ("f1", f1))}

    bins = np.clip(np.ceil(confidence * 10).astype(int) - 1, 0, 9)
    correct = predicted == y
    ece = 0.0
    for b in range(10):
        members = bins == b
        if members.any():
            ece += members.sum() / len(y) * abs(correct[members].mean() - confidence[members].mean())
    print(json.dumps({
        "rows": int(len(y)), "labels": labels, "confusion": confusion.tolist(),
        "precision": precision.tolist(), "recall": recall.tolist(), "f1": f1.tolist(), "support": support.tolist(),
        "macro": average(np.ones(k)), "weighted": average(support.astype(float)),
        "accuracy": float(correct.mean()), "ece": float(ece),
        "bin_counts": np.bincount(bins, minlength=10).tolist(),
        "margin_min": float(np.min(np.sort(p, axis=1)[:, -1] - np.sort(p, axis=1)[:, -2])),
    }))


if __name__ == "__main__":
    main(sys.argv[1])
