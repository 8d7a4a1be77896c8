#!/usr/bin/env python3
"""Synthetic IDX files for scripts/bench-scale: 10 classes, each a noisy class-specific
pattern, every image distinct.

  synthetic_idx.py PREFIX N   (writes PREFIX-images and PREFIX-labels)
"""
import sys, random
path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
protos = [bytes(rng.randrange(256) for _ in range(784)) for _ in range(10)]
with open(path + "-images", "wb") as img, open(path + "-labels", "wb") as lab:
    img.write(bytes([0, 0, 8, 3]) + n.to_bytes(4, "big") + (28).to_bytes(4, "big") * 2)
    lab.write(bytes([0, 0, 8, 1]) + n.to_bytes(4, "big"))
    for i in range(n):
        c = i % 10
        p = bytearray(protos[c])
        for j in range(16):                       # a few noisy pixels, and an index stamp, keep every image distinct
            k = rng.randrange(784); p[k] = rng.randrange(256)
        p[0:4] = i.to_bytes(4, "big")
        img.write(p); lab.write(bytes([c]))
