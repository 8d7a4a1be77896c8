#!/usr/bin/env python3
"""Pillow's side of mcnd's imaging checks.

  pillow_decode.py reference OUTDIR < list-of-png-paths
      For every path (one per line) writes OUTDIR/<n>.full (the gray image at
      full size, composited over black) and OUTDIR/<n>.half (that image shrunk
      2x with box/area averaging), and OUTDIR/manifest.json with the sizes or
      Pillow's error. One process for the whole list.

  pillow_decode.py bench FILE ITERATIONS
      Decodes FILE from memory and normalizes it to 28x28 gray ITERATIONS
      times; prints one line per run in microseconds (median min max).

The pipeline is the one mcnd documents: the stored sample values (Pillow
ignores gAMA), alpha composited over an opaque black background with
Image.alpha_composite, then convert("L") (Rec.601 luma). 16-bit gray is
reduced to 8 bits by its high byte: Pillow's own convert("L") from mode I;16
clamps at 255 instead of scaling, which no one wants.
"""
import io
import json
import os
import statistics
import sys
import time

from PIL import Image


def low_bit_gray_transparency(im):
    """The tRNS gray value of a 1/2/4-bit gray PNG scaled to 8 bits, or None.

    Pillow widens 2- and 4-bit gray samples to 8 bits (1 -> 85 for 2-bit) but
    keeps the tRNS value unscaled, so it then marks the wrong value (or none)
    transparent. libpng scales both. Call before load()."""
    t = im.info.get("transparency")
    rawmode = im.tile[0][3] if im.tile else None
    if isinstance(rawmode, tuple):
        rawmode = rawmode[0]
    bits = {"L;2": 2, "L;2I": 2, "L;4": 4, "L;4I": 4}.get(rawmode)
    if im.mode != "L" or not isinstance(t, int) or bits is None:
        return None
    scaled = t * 255 // ((1 << bits) - 1)
    return None if scaled == t else scaled


def gray(im, fix_transparency=False):
    if fix_transparency:
        t = low_bit_gray_transparency(im)
        if t is None:
            return None
        im.load()
        im.info["transparency"] = t
    im.load()
    size = im.size
    if im.mode in ("I;16", "I;16B", "I;16L"):
        raw = im.tobytes("raw", "I;16B")
        high = raw[0::2]
        g = Image.frombytes("L", size, high)
        t = im.info.get("transparency")
        if isinstance(t, int):
            values = [raw[2 * i] << 8 | raw[2 * i + 1] for i in range(size[0] * size[1])]
            alpha = Image.frombytes("L", size, bytes(0 if v == t else 255 for v in values))
            g = Image.merge("LA", (g, alpha))
        else:
            return g
        im = g
    has_alpha = im.mode in ("LA", "RGBA", "PA", "La", "RGBa") or "transparency" in im.info
    if not has_alpha:
        return im.convert("L")
    rgba = im.convert("RGBA")
    background = Image.new("RGBA", size, (0, 0, 0, 255))
    return Image.alpha_composite(background, rgba).convert("L")


def half(g):
    w, h = g.size
    return g.resize((max(1, w // 2), max(1, h // 2)), Image.BOX)


def reference(outdir):
    manifest = []
    for n, line in enumerate(sys.stdin.read().splitlines()):
        path = line.strip()
        entry = {"path": path}
        try:
            with Image.open(path) as im:
                g = gray(im)
            entry["width"], entry["height"] = g.size
            with open(os.path.join(outdir, f"{n}.full"), "wb") as f:
                f.write(g.tobytes())
            h = half(g)
            entry["half_width"], entry["half_height"] = h.size
            with open(os.path.join(outdir, f"{n}.half"), "wb") as f:
                f.write(h.tobytes())
            with Image.open(path) as im:
                fixed = gray(im, fix_transparency=True)
            if fixed is not None:
                entry["correction"] = "tRNS gray value scaled to 8 bits"
                with open(os.path.join(outdir, f"{n}.fixed.full"), "wb") as f:
                    f.write(fixed.tobytes())
                with open(os.path.join(outdir, f"{n}.fixed.half"), "wb") as f:
                    f.write(half(fixed).tobytes())
        except Exception as e:  # Pillow refused the file: recorded, not hidden
            entry["error"] = f"{type(e).__name__}: {e}"
        manifest.append(entry)
    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f)


def normalize(data):
    with Image.open(io.BytesIO(data)) as im:
        g = gray(im)
    return g.resize((28, 28), Image.BOX).tobytes()


def bench(path, iterations):
    data = open(path, "rb").read()
    for _ in range(max(3, iterations // 10)):
        normalize(data)
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter_ns()
        normalize(data)
        times.append((time.perf_counter_ns() - t0) / 1000.0)
    print(f"{statistics.median(times):.2f} {min(times):.2f} {max(times):.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "reference":
        reference(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "bench":
        bench(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
