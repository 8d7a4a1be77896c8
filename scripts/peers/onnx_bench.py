#!/usr/bin/env python3
"""scripts/bench-onnx's timings: `mcnd predict` on the PNG files beside onnxruntime on the
exported model (raw pixels, batches of 512, and with Pillow decoding).

  onnx_bench.py WORK MCND COUNT DATA
"""
import glob, gzip, statistics, subprocess, sys, time
import numpy as np
import onnxruntime as ort
from PIL import Image

work, mcnd, count, data = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
files = sorted(glob.glob(f"{work}/flat/*.png"), key=lambda p: int(p.rsplit("/", 1)[1].split(".")[0]))
assert len(files) == count, len(files)

def timed(f, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return statistics.median(times)

predict = timed(lambda: subprocess.run([mcnd, "--root", f"{work}/root", "predict", *files], check=True,
                                       stdout=subprocess.DEVNULL), 3)
raw = gzip.open(f"{data}/t10k-images-idx3-ubyte.gz").read()
pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784)[:count].astype(np.float32)
options = ort.SessionOptions()
options.intra_op_num_threads = 1
session = ort.InferenceSession(f"{work}/model.onnx", options, providers=["CPUExecutionProvider"])
one = timed(lambda: session.run(["probabilities"], {"pixels": pixels}), 5)
def batched():
    for s in range(0, count, 512):
        session.run(["probabilities"], {"pixels": pixels[s:s + 512]})
batches = timed(batched, 5)
def with_decode():
    x = np.stack([np.asarray(Image.open(f), dtype=np.float32).reshape(784) for f in files])
    session.run(["probabilities"], {"pixels": x})
decoded = timed(with_decode, 5)

print(f"{count} images, onnxruntime {ort.__version__}, 1 intra-op thread")
for name, seconds in [("mcnd predict (PNG files, one process)", predict),
                      ("onnxruntime, one batch (raw pixels)", one),
                      ("onnxruntime, batches of 512 (raw pixels)", batches),
                      ("onnxruntime + Pillow decode (PNG files)", decoded)]:
    print(f"{name:45s} {seconds * 1000:9.1f} ms  {count / seconds:12,.0f} images/s")
