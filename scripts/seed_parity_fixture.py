#!/usr/bin/env python3
"""Writes Tests/MCNDModelTests/Fixtures/seed-parity.json: the seed's own
MultiClassNetwork ("Do it! 딥러닝 입문", ch. 7) trained from fixed initial
weights in a fixed batch order on small fixed datasets. SeedParityTests.swift
replays every case through mcnd's Trainer and compares every epoch's loss and
val_loss and every final weight.

Usage: python3 scripts/seed_parity_fixture.py [OUTPUT]   (numpy only)

Precision. The seed runs in float64, its natural dtype, and so does this
script: the fixture holds the reference arithmetic, not a float32 imitation of
it. mcnd computes in float32. To keep the comparison about arithmetic only,
every input the two sides share (features, initial weights) is a dyadic
rational that float32 represents exactly, so both start from bit-identical
numbers. The float32 rounding that mcnd then accumulates over a few epochs of
small SGD steps stays far below the test's 1e-4 relative tolerance; this script
checks that claim for every case before writing it by replaying the case in
numpy float32 and requiring a 10x margin (see `float32_margin`). A case where
it would not hold (for example an l1 run where a weight sits so close to 0 that
float32 and float64 disagree on its sign) is refused instead of written.
"""

import json
import os
import sys

import numpy as np


# ---------------------------------------------------------------------------
# The seed's class (scripts/peers/seed_network.py, the one verbatim copy) with
# the two documented fixes marked "mcnd:".
# ---------------------------------------------------------------------------

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
from seed_network import MultiClassNetwork as SeedNetwork  # noqa: E402


class MultiClassNetwork(SeedNetwork):

    def backprop(self, x, err):
        m = len(x)       # 샘플 개수
        # 출력층의 가중치와 절편에 대한 그래디언트를 계산합니다.
        w2_grad = np.dot(self.a1.T, err) / m
        b2_grad = np.sum(err, axis=0) / m   # mcnd: per-class column sum (the seed: np.sum(err) / m, a scalar)
        # 시그모이드 함수까지 그래디언트를 계산합니다.
        err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)
        # 은닉층의 가중치와 절편에 대한 그래디언트를 계산합니다.
        w1_grad = np.dot(x.T, err_to_hidden) / m
        b1_grad = np.sum(err_to_hidden, axis=0) / m
        return w1_grad, b1_grad, w2_grad, b2_grad

    def softmax(self, z):
        # 소프트맥스 함수
        z = np.clip(z, -100, None)            # 안전한 np.exp() 계산을 위해
        z = z - np.max(z, axis=1).reshape(-1, 1)  # mcnd: subtract the row maximum (same result, no overflow)
        exp_z = np.exp(z)
        return exp_z / np.sum(exp_z, axis=1).reshape(-1, 1)


# ---------------------------------------------------------------------------
# The harness: the only things replaced are the two np.random calls inside
# fit (init_weights and the permutation in gen_batch).
# ---------------------------------------------------------------------------

class ReplayedNetwork(MultiClassNetwork):
    """Starts from given weights and visits the rows in given orders."""

    def __init__(self, weights, orders, **options):
        super().__init__(**options)
        self.given_weights = weights
        self.orders = [np.asarray(o) for o in orders]
        self.epoch = 0
        self.smallest_penalized_weight = np.inf

    def init_weights(self, n_features, n_classes):
        w1, b1, w2, b2 = (np.array(w, copy=True) for w in self.given_weights)
        assert w1.shape == (n_features, self.units) and w2.shape == (self.units, n_classes)
        self.w1, self.b1, self.w2, self.b2 = w1, b1, w2, b2

    def gen_batch(self, x, y):
        # The seed's gen_batch with the recorded permutation in place of
        # np.random.permutation.
        length = len(x)
        bins = length // self.batch_size
        if length % self.batch_size:
            bins += 1
        indexes = self.orders[self.epoch % len(self.orders)]
        self.epoch += 1
        x = x[indexes]
        y = y[indexes]
        for i in range(bins):
            start = self.batch_size * i
            end = self.batch_size * (i + 1)
            yield x[start:end], y[start:end]

    def training(self, x, y):
        # Watch how close a penalized weight gets to 0, where sign() jumps.
        if self.l1:
            self.smallest_penalized_weight = min(self.smallest_penalized_weight,
                                                 np.min(np.abs(self.w1)), np.min(np.abs(self.w2)))
        return super().training(x, y)


def replay(case, data, dtype):
    x, y, x_val, y_val = (np.asarray(a, dtype=dtype) for a in
                          (data["x"], data["y"], data["x_val"], data["y_val"]))
    weights = [np.asarray(w, dtype=dtype) for w in case["weights_in"]]
    net = ReplayedNetwork(weights, case["orders"], units=case["units"], batch_size=case["batch_size"],
                          learning_rate=case["learning_rate"], l1=case["l1"], l2=case["l2"])
    stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")   # fit prints a dot per epoch
    try:
        net.fit(x, y, epochs=case["epochs"], x_val=x_val, y_val=y_val)
    finally:
        sys.stdout.close()
        sys.stdout = stdout
    probabilities = net.softmax(net.forpass(x_val))
    return net, probabilities


# ---------------------------------------------------------------------------
# Data: dyadic rationals, exact in float32 and float64 alike.
# ---------------------------------------------------------------------------

def dyadic(values, bits):
    return np.round(np.asarray(values) * 2 ** bits) / 2 ** bits


def make_dataset(rng, rows, val_rows, features, classes, pixels):
    """Classes with distinct means, so a few epochs visibly reduce the loss."""
    total = rows + val_rows
    labels = np.arange(total) % classes
    rng.shuffle(labels)
    centers = rng.normal(0, 1, (classes, features))
    x = centers[labels] + rng.normal(0, 0.8, (total, features))
    if pixels:
        # 0…255 bytes, used as value/255 on both sides (the seed's x/255).
        raw = np.clip(np.round(128 + 48 * x), 0, 255).astype(np.uint8)
        features_out = raw.astype(np.float64) / 255
    else:
        raw = None
        features_out = dyadic(np.clip(x, -4, 4), 6)
    y = np.eye(classes)[labels]
    data = {
        "x": features_out[:rows], "y": y[:rows],
        "x_val": features_out[rows:], "y_val": y[rows:],
    }
    stored = {
        "features": features, "classes": classes,
        "labels": labels[:rows].tolist(), "val_labels": labels[rows:].tolist(),
    }
    if pixels:
        stored["pixels"] = raw[:rows].ravel().tolist()
        stored["val_pixels"] = raw[rows:].ravel().tolist()
    else:
        stored["values"] = features_out[:rows].ravel().tolist()
        stored["val_values"] = features_out[rows:].ravel().tolist()
    return data, stored


def make_case(rng, name, dataset_name, data, units, batch_size, learning_rate, l1, l2, epochs):
    features = data["x"].shape[1]
    classes = data["y"].shape[1]
    rows = len(data["x"])
    weights_in = [
        dyadic(rng.normal(0, 1, (features, units)), 12),
        dyadic(rng.normal(0, 0.5, units), 12),      # non-zero biases exercise b1/b2 in the forward pass
        dyadic(rng.normal(0, 1, (units, classes)), 12),
        dyadic(rng.normal(0, 0.5, classes), 12),
    ]
    orders = [rng.permutation(rows).tolist() for _ in range(epochs)]
    return {
        "name": name, "dataset": dataset_name,
        "units": units, "batch_size": batch_size, "learning_rate": learning_rate,
        "l1": l1, "l2": l2, "epochs": epochs,
        "weights_in": weights_in, "orders": orders,
    }


def relative_error(a, b, floor):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor)))


# The Swift test's tolerance (see SeedParityTests.swift): |a-b| <= 1e-4 * max(|b|, floor).
TOLERANCE = 1e-4
WEIGHT_FLOOR = 1e-2
LOSS_FLOOR = 1e-3


def float32_margin(case, data, reference, reference_probabilities):
    """The largest error of a float32 replay relative to the test tolerance."""
    net, probabilities = replay(case, data, np.float32)
    worst = max(
        relative_error(net.losses, reference.losses, LOSS_FLOOR),
        relative_error(net.val_losses, reference.val_losses, LOSS_FLOOR),
        relative_error(probabilities, reference_probabilities, WEIGHT_FLOOR),
        *(relative_error(a, b, WEIGHT_FLOOR) for a, b in
          zip((net.w1, net.b1, net.w2, net.b2), (reference.w1, reference.b1, reference.w2, reference.b2))),
    )
    return worst / TOLERANCE


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    output = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        root, "Tests", "MCNDModelTests", "Fixtures", "seed-parity.json")
    rng = np.random.default_rng(20240607)

    values_data, values_stored = make_dataset(rng, 60, 20, 12, 4, pixels=False)
    pixel_data, pixel_stored = make_dataset(rng, 60, 20, 12, 3, pixels=True)
    datasets = {"values": (values_data, values_stored), "pixels": (pixel_data, pixel_stored)}

    cases = [
        # The seed's defaults: no penalty. 60 rows in batches of 16: 16, 16, 16, 12.
        make_case(rng, "plain", "values", values_data, units=5, batch_size=16,
                  learning_rate=0.1, l1=0.0, l2=0.0, epochs=6),
        # Both penalties (mcnd's separate l1 pass plus sgemm).
        make_case(rng, "l1-and-l2", "values", values_data, units=5, batch_size=16,
                  learning_rate=0.1, l1=0.01, l2=0.05, epochs=6),
        # l2 alone (mcnd folds it into sgemm's beta), on pixels/255, a larger step.
        make_case(rng, "l2-pixels", "pixels", pixel_data, units=5, batch_size=16,
                  learning_rate=0.5, l1=0.0, l2=0.1, epochs=5),
        # l1 alone, batch 7 (60 = 8·7 + 4), three classes of pixels.
        make_case(rng, "l1-pixels", "pixels", pixel_data, units=4, batch_size=7,
                  learning_rate=0.2, l1=0.02, l2=0.0, epochs=4),
    ]

    out_cases = []
    for case in cases:
        data = datasets[case["dataset"]][0]
        net, probabilities = replay(case, data, np.float64)
        losses = np.asarray(net.losses, dtype=np.float64)
        assert np.all(np.isfinite(losses)) and losses[-1] < losses[0], f"{case['name']}: the loss did not go down"
        if case["l1"]:
            # sign() is discontinuous at 0: a weight within float32 rounding
            # (~1e-7 here) of 0 could land on the other side in mcnd and change
            # the run. Require 100x that distance.
            assert net.smallest_penalized_weight > 1e-5, \
                f"{case['name']}: a weight came within {net.smallest_penalized_weight:g} of 0"
        top2 = np.sort(probabilities, axis=1)[:, -2:]
        assert np.min(top2[:, 1] - top2[:, 0]) > 1e-3, f"{case['name']}: a validation row is a near tie"
        margin = float32_margin(case, data, net, probabilities)
        assert margin < 0.1, f"{case['name']}: a float32 replay uses {margin:.2f} of the tolerance"
        print(f"{case['name']}: losses {losses[0]:.4f} → {losses[-1]:.4f}, "
              f"float32 replay error = {margin * TOLERANCE:.2g} (tolerance {TOLERANCE:g})")
        out = dict(case)
        out["weights_in"] = [w.ravel().tolist() for w in case["weights_in"]]
        out["losses"] = [float(v) for v in net.losses]
        out["val_losses"] = [float(v) for v in net.val_losses]
        out["val_accuracy"] = float(net.score(data["x_val"], data["y_val"]))
        out["val_probabilities"] = probabilities.ravel().tolist()
        out["weights_out"] = [w.ravel().tolist() for w in (net.w1, net.b1, net.w2, net.b2)]
        out_cases.append(out)

    fixture = {
        "about": "Written by scripts/seed_parity_fixture.py: the seed's MultiClassNetwork in numpy float64 "
                 "(with the per-class b2 gradient and the max-subtracted softmax). Weights are row-major: "
                 "w1 features×units, b1 units, w2 units×classes, b2 classes. orders[e] is the row permutation "
                 "of epoch e+1. Do not edit by hand; rerun the script.",
        "numpy": np.__version__,
        "datasets": {name: stored for name, (_, stored) in datasets.items()},
        "cases": out_cases,
    }
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {output} ({os.path.getsize(output)} bytes)")


if __name__ == "__main__":
    main()
