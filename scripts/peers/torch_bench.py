#!/usr/bin/env python3
"""PyTorch (CPU) with mcnd's model on mcnd's benchmark workload.

Usage: torch_bench.py [--epochs N] [--threads T] [--batch B] [--precision f32|bf16]
                      [--recipe book|onecycle] [--data DIR]

The same network as the book's MultiClassNetwork: Linear(784→100), sigmoid,
Linear(100→10), softmax cross-entropy (mean over the minibatch, which is the
seed's gradient scaled by 1/m), plain SGD lr 0.1, N(0,1) weights, zero biases,
float32, rows reshuffled every epoch. The data are the ones `mcnd-bench train`
uses (first 48,000 training images for training, last 12,000 for validation,
pixels/255). Each epoch includes the validation pass (loss and accuracy over
the 12,000 rows). Prints per-epoch lines, a summary and one JSON line with the
same keys as mcnd-bench. Needs torch; scripts/bench-train runs it only when
`import torch` works.

`--precision bf16` runs forward and backward under CPU autocast to bfloat16
(oneDNN's bf16 kernels; the parameters and the SGD update stay float32).
`--recipe onecycle` is the time-to-accuracy recipe instead of the book's:
PyTorch's default initialization, SGD with Nesterov momentum 0.9 and
OneCycleLR up to 1.0 (its defaults: 30% warm-up, cosine, momentum cycled
0.95…0.85), 15 epochs; it reports the training seconds until validation
accuracy first reaches 0.895.
"""

import argparse
import os
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--batch", type=int, default=256)
parser.add_argument("--precision", choices=("f32", "bf16"), default="f32")
parser.add_argument("--recipe", choices=("book", "onecycle"), default="book")
parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
args = parser.parse_args()

for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[name] = str(args.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from workload import TRAIN_ROWS, VALIDATION_ROWS, read_idx, report  # noqa: E402


def main():
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    train_rows, validation_rows = TRAIN_ROWS, VALIDATION_ROWS
    start = time.perf_counter()
    images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255)
    y = torch.from_numpy(labels.astype(np.int64))
    x_train, y_train = x[:train_rows], y[:train_rows]
    x_val, y_val = x[train_rows:train_rows + validation_rows], y[train_rows:train_rows + validation_rows]
    load_seconds = time.perf_counter() - start

    model = torch.nn.Sequential(torch.nn.Linear(x.shape[1], 100), torch.nn.Sigmoid(), torch.nn.Linear(100, 10))
    steps_per_epoch = (train_rows + args.batch - 1) // args.batch
    scheduler = None
    if args.recipe == "book":
        with torch.no_grad():
            for layer in (model[0], model[2]):
                layer.weight.normal_(0, 1)
                layer.bias.zero_()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=1.0, momentum=0.9, nesterov=True)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1.0, total_steps=steps_per_epoch * args.epochs)
    loss_fn = torch.nn.CrossEntropyLoss(reduction="sum")
    impl = f"torch-{args.precision}" + ("" if args.recipe == "book" else "-onecycle")
    print(f"{impl}: {train_rows}×{x.shape[1]} train, {validation_rows} validation, units 100, batch {args.batch}, "
          f"recipe {args.recipe}, {args.precision}, torch {torch.__version__}, {args.threads} thread(s), {args.epochs} epochs "
          f"(data loaded in {load_seconds:.2f} s); CPU capability {torch.backends.cpu.get_cpu_capability()}", flush=True)
    autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bf16")

    seconds, training, accuracy = [], [], float("nan")
    for epoch in range(1, args.epochs + 1):
        began = time.perf_counter()
        model.train()
        order = torch.randperm(train_rows)
        total = 0.0
        for first in range(0, train_rows, args.batch):
            batch = order[first:first + args.batch]
            optimizer.zero_grad(set_to_none=True)
            with autocast:
                loss = loss_fn(model(x_train[batch]).float(), y_train[batch])
            (loss / len(batch)).backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            total += loss.item()
        training.append(time.perf_counter() - began)
        model.eval()
        with torch.no_grad(), autocast:
            logits = model(x_val).float()
            val_loss = loss_fn(logits, y_val).item() / validation_rows
            accuracy = (logits.argmax(1) == y_val).float().mean().item()
        seconds.append(time.perf_counter() - began)
        print(f"{impl} epoch {epoch}: {seconds[-1]:.4f} s  loss {total / train_rows:.4f}  "
              f"val_loss {val_loss:.4f}  val_accuracy {accuracy:.4f}", flush=True)
        if accuracy >= 0.895 and not hasattr(main, "reached"):
            main.reached = sum(training)
    reached = getattr(main, "reached", None)
    print(f"{impl}: training {sum(training):.3f} s in all; validation 0.895 reached after "
          + (f"{reached:.3f} s of training" if reached is not None else "— (not reached)"), flush=True)
    report(impl, seconds, accuracy, load_seconds, args.threads, args.batch, torch=torch.__version__,
           kernel=f"{args.precision} {'MKL/oneDNN' if args.precision == 'f32' else 'oneDNN bf16 autocast'}, "
                  f"CPU capability {torch.backends.cpu.get_cpu_capability()}",
           training_s=round(sum(training), 6), to_0895_s=round(reached, 6) if reached is not None else None)


if __name__ == "__main__":
    main()
