#!/usr/bin/env python3
"""The seed's numpy MultiClassNetwork on mcnd's benchmark workload.

Usage: seed_numpy_bench.py [--epochs N] [--threads T] [--batch B] [--dtype float64|float32] [--data DIR]

The class below is the seed's ("Do it! 딥러닝 입문", ch. 7), unchanged — the
same math, float64 as the book runs it, including the scalar b2 gradient
(timing is what is compared here, not accuracy). The data are the ones
`mcnd-bench train` uses: the first 48,000 images of the Fashion-MNIST training
file for training, the last 12,000 for validation, pixels/255, one-hot labels.
Each epoch is timed from the end of the previous one to the end of its
validation loss, like mcnd's epochs. `--dtype float32` runs the same class
on float32 arrays (data and weights cast once; numpy then stays in float32). Prints per-epoch lines, a summary and one
JSON line with the same keys as mcnd-bench.
"""

import argparse
import os
import sys
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--batch", type=int, default=256)
parser.add_argument("--dtype", choices=("float64", "float32"), default="float64")
parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
args = parser.parse_args()

# numpy's BLAS reads these when it is loaded: give it the same thread count as mcnd.
for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[name] = str(args.threads)

import numpy as np  # noqa: E402

from seed_network import MultiClassNetwork  # noqa: E402  (the seed, unchanged)
from workload import TRAIN_ROWS, VALIDATION_ROWS, read_idx, report  # noqa: E402


class TimedNetwork(MultiClassNetwork):
    """Records when each epoch ends (fit calls update_val_loss last in every
    epoch); the clock starts once fit has drawn the initial weights."""

    def init_weights(self, n_features, n_classes):
        super().init_weights(n_features, n_classes)
        for name in ("w1", "b1", "w2", "b2"):
            setattr(self, name, getattr(self, name).astype(args.dtype))
        self.marks = [time.perf_counter()]

    def update_val_loss(self, x_val, y_val):
        super().update_val_loss(x_val, y_val)
        self.marks.append(time.perf_counter())
        epoch = len(self.marks) - 1
        print(f"{IMPL} epoch {epoch}: {self.marks[-1] - self.marks[-2]:.4f} s  "
              f"loss {self.losses[-1]:.4f}  val_loss {self.val_losses[-1]:.4f}", flush=True)


class WithoutProgressDots:
    """Drops the seed's one-dot-per-epoch progress output, keeps the rest."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        return len(text) if text == "." else self.stream.write(text)

    def flush(self):
        self.stream.flush()


IMPL = "seed-numpy" if args.dtype == "float64" else "numpy-f32"


def main():
    train_rows, validation_rows = TRAIN_ROWS, VALIDATION_ROWS
    start = time.perf_counter()
    images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
    x = (images.reshape(len(images), -1) / 255).astype(args.dtype)  # float64, as the book
    y = np.eye(10, dtype=args.dtype)[labels]                          # the book's to_categorical
    x_train, y_train = x[:train_rows], y[:train_rows]
    x_val, y_val = x[train_rows:train_rows + validation_rows], y[train_rows:train_rows + validation_rows]
    load_seconds = time.perf_counter() - start
    print(f"{IMPL}: {train_rows}×{x.shape[1]} train, {validation_rows} validation, units 100, "
          f"batch {args.batch}, lr 0.1, {args.dtype}, numpy {np.__version__}, {args.threads} BLAS thread(s), "
          f"{args.epochs} epochs (data loaded in {load_seconds:.2f} s)", flush=True)

    net = TimedNetwork(units=100, batch_size=args.batch, learning_rate=0.1)
    stdout, sys.stdout = sys.stdout, WithoutProgressDots(sys.stdout)
    try:
        net.fit(x_train, y_train, epochs=args.epochs, x_val=x_val, y_val=y_val)
    finally:
        sys.stdout = stdout
    accuracy = float(net.score(x_val, y_val))

    seconds = [b - a for a, b in zip(net.marks, net.marks[1:])]
    report(IMPL, seconds, accuracy, load_seconds, args.threads, args.batch, numpy=np.__version__)


if __name__ == "__main__":
    main()
