"""What the training peers share: the book's workload (the first 48,000
Fashion-MNIST training images for training, the last 12,000 for validation)
and the summary and JSON line every implementation prints. Import it after
setting the BLAS thread variables: it imports numpy.
"""

import gzip
import json

import numpy as np

TRAIN_ROWS, VALIDATION_ROWS = 48_000, 12_000


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * d: 8 + 4 * d], "big") for d in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def report(impl, seconds, accuracy, load_seconds, threads, batch, **versions):
    """The summary line and the JSON line scripts/bench-train reads."""
    median = float(np.median(seconds))
    print(f"{impl}: median {median:.4f} s/epoch, min {min(seconds):.4f}, max {max(seconds):.4f} "
          f"over {len(seconds)} epochs; final val_accuracy {accuracy:.4f}")
    print(json.dumps({
        "bench": "train", "impl": impl, "epochs": len(seconds), "threads": threads,
        "batch": batch, "train_rows": TRAIN_ROWS, "validation_rows": VALIDATION_ROWS,
        "median_s": round(median, 6), "min_s": round(min(seconds), 6), "max_s": round(max(seconds), 6),
        "epoch_s": [round(s, 6) for s in seconds], "val_accuracy": round(accuracy, 6),
        "load_s": round(load_seconds, 3), **versions,
    }, separators=(",", ":")))
