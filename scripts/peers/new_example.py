#!/usr/bin/env python3
"""One new labeled example for scripts/bench-scale's incremental run: a fresh 28x28 gray PNG.

  new_example.py FOLDER   (writes FOLDER/new-example.png)
"""
import os, sys, zlib, struct
# one new labeled example: a fresh 28×28 gray PNG
os.makedirs(sys.argv[1], exist_ok=True)
raw = b"".join(b"\x00" + bytes((x * 9 + y * 7) % 256 for x in range(28)) for y in range(28))
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(os.path.join(sys.argv[1], "new-example.png"), "wb").write(png)
