#!/usr/bin/env python3
"""A small Python reference for mcnd's pipeline, for scripts/bench-pipeline.

  reference_pipeline.py predict ROOT [--model FILE] [--batch 512]
      What `mcnd --root ROOT --once` does with prediction requests (the PNGs at
      the top of ROOT/inbox/): list the inbox (names starting with "." or "_"
      skipped, symlinks not followed, sorted), read each file, SHA-256 it,
      decode it with Pillow, convert("L") (alpha composited over black first),
      resize to the model's input size (Image.BOX when shrinking, bilinear when
      enlarging), /255, and run the MultiClassNetwork forward pass with numpy,
      one matrix product per batch. One JSON line per file (file, sha256,
      label, confidence, probabilities, model_version, time), one os.write per
      line to ROOT/outbox/predictions.jsonl opened O_APPEND, one fsync per
      batch; then each file is renamed to ROOT/archive/predicted/ and the two
      folders are fsynced (as mcnd does per batch). Undecodable files go to
      ROOT/rejected/ with an events.jsonl line.

      The weights come from mcnd's exported model (ROOT/state/models/model-N.npz,
      the highest N unless --model is given): W1, b1, W2, b2 float32 and `meta`,
      UTF-8 JSON as uint8 with `labels` and, for a calibrated model,
      `review.temperature` (the logits are divided by it, as mcnd does).

  reference_pipeline.py ingest ROOT [--batch 256]
      The labeled half: every PNG under ROOT/inbox/<label>/ is read, hashed,
      decoded and normalized the same way, and stored as a uint8 row in
      ROOT/state/reference.sqlite (WAL, synchronous=FULL, sha256 unique, one
      transaction per batch); a sha256 seen before under the same label is a
      duplicate. Then the file moves to ROOT/archive/labeled/<label>/ and the
      folders are fsynced per batch.

What this reference does NOT do, and mcnd does: the exactly-once journal (an
SQLite transaction per batch recording each line's offset and each move before
they happen, cleared afterwards), the settle-time check, label conflict events,
file-identity checks before each move, decode limits. So it is a lower bound on
the work of the same pipeline in Python, not an equivalent.

Prints one JSON line: {"bench": ..., "impl": "python-reference", "files": N,
"seconds": S} where S is measured inside the process (imports excluded); the
bench script times the whole process as well.
"""
import argparse
import glob
import hashlib
import io
import json
import os
import re
import sqlite3
import sys
import time

import numpy as np
from PIL import Image


def rfc3339_now():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def load_model(root, path=None):
    if path is None:
        found = []
        for p in glob.glob(os.path.join(root, "state", "models", "model-*.npz")):
            m = re.search(r"model-(\d+)\.npz$", p)
            if m:
                found.append((int(m.group(1)), p))
        if not found:
            sys.exit("reference_pipeline: no state/models/model-N.npz under %s" % root)
        path = max(found)[1]
    m = np.load(path)
    meta = json.loads(m["meta"].tobytes())
    weights = {k: np.ascontiguousarray(m[k], dtype=np.float32) for k in ("W1", "b1", "W2", "b2")}
    return weights, meta


def input_size(meta, features):
    """(width, height) of the model's input; 28x28 when the meta does not say."""
    spec = meta.get("input") or {}
    w, h = spec.get("width"), spec.get("height")
    if isinstance(w, int) and isinstance(h, int) and w * h == features:
        return w, h
    side = int(round(features ** 0.5))
    return side, side


def normalize(data, size):
    """PNG bytes -> uint8 gray row of size[0]*size[1], or raises."""
    im = Image.open(io.BytesIO(data))
    if im.format != "PNG":
        raise ValueError("not_png")
    im.load()
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        black = Image.new("RGBA", im.size, (0, 0, 0, 255))
        im = Image.alpha_composite(black, im)
    if im.mode != "L":
        im = im.convert("L")
    if im.size != size:
        shrink = im.size[0] >= size[0] and im.size[1] >= size[1]
        im = im.resize(size, Image.BOX if shrink else Image.BILINEAR)
    return im.tobytes()


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(weights, x, temperature=1.0):
    z1 = x @ weights["W1"] + weights["b1"]
    a1 = sigmoid(z1)
    z2 = (a1 @ weights["W2"] + weights["b2"]) / np.float32(temperature)
    z2 -= z2.max(axis=1, keepdims=True)
    e = np.exp(z2)
    return e / e.sum(axis=1, keepdims=True)


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def unique_destination(folder, name, planned):
    base, ext = os.path.splitext(name)
    candidate, n = os.path.join(folder, name), 0
    while candidate in planned or os.path.lexists(candidate):
        n += 1
        candidate = os.path.join(folder, "%s-%d%s" % (base, n, ext))
    planned.add(candidate)
    return candidate


def read_file(path):
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        chunks = []
        while True:
            b = os.read(fd, 1 << 20)
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks)
    finally:
        os.close(fd)


class Outbox:
    def __init__(self, path):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)

    def append(self, line):
        data = line.encode()
        if os.write(self.fd, data) != len(data):
            raise OSError("short write")

    def sync(self):
        os.fsync(self.fd)


def reject(root, events, rel, folder_from, name, sha, reason, detail, planned, moves):
    dest = unique_destination(os.path.join(root, "rejected"), name, planned)
    line = {"event": "rejected", "time": rfc3339_now(), "file": rel, "reason": reason, "detail": detail,
            "moved_to": os.path.relpath(dest, root)}
    if sha:
        line["sha256"] = sha
    events.append(json.dumps(line, ensure_ascii=False) + "\n")
    moves.append((os.path.join(folder_from, name), dest))


def finish_batch(outboxes, moves):
    for o in outboxes:
        o.sync()
    folders = set()
    for src, dst in moves:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.rename(src, dst)
        folders.add(os.path.dirname(src))
        folders.add(os.path.dirname(dst))
    for f in sorted(folders):
        fsync_dir(f)


def predict(args):
    root = args.root
    weights, meta = load_model(root, args.model)
    labels = meta["labels"]
    version = meta.get("version", 0)
    # mcnd writes calibrated probabilities, softmax(z / T), when the model carries a temperature.
    temperature = float((meta.get("review") or {}).get("temperature") or 1.0)
    size = input_size(meta, weights["W1"].shape[0])
    quoted = [json.dumps(l, ensure_ascii=False) for l in labels]
    inbox = os.path.join(root, "inbox")
    archive = os.path.join(root, "archive", "predicted")
    os.makedirs(archive, exist_ok=True)
    os.makedirs(os.path.join(root, "outbox"), exist_ok=True)
    started = time.perf_counter()

    names = sorted(e.name for e in os.scandir(inbox)
                   if e.name[0] not in "._" and e.is_file(follow_symlinks=False))
    predictions = Outbox(os.path.join(root, "outbox", "predictions.jsonl"))
    events = Outbox(os.path.join(root, "outbox", "events.jsonl"))
    done = rejected = 0
    for start in range(0, len(names), args.batch):
        chunk = names[start:start + args.batch]
        rows, accepted, moves, event_lines, planned = [], [], [], [], set()
        for name in chunk:
            data = read_file(os.path.join(inbox, name))
            sha = hashlib.sha256(data).hexdigest()
            try:
                rows.append(normalize(data, size))
            except Exception as e:  # Pillow raises many kinds
                reject(root, event_lines, name, inbox, name, sha, "corrupt", str(e), planned, moves)
                rejected += 1
                continue
            accepted.append((name, sha))
        touched = []
        if accepted:
            x = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), -1).astype(np.float32) / 255.0
            p = forward(weights, x, temperature)
            best = p.argmax(axis=1)
            now = rfc3339_now()
            for i, (name, sha) in enumerate(accepted):
                row = p[i].tolist()
                k = int(best[i])
                probs = ",".join("%s:%r" % (q, v) for q, v in zip(quoted, row))
                predictions.append('{"file":%s,"sha256":"%s","label":%s,"confidence":%r,"probabilities":{%s},'
                                   '"model_version":%d,"time":"%s"}\n'
                                   % (json.dumps(name, ensure_ascii=False), sha, quoted[k], row[k], probs, version, now))
                moves.append((os.path.join(inbox, name), unique_destination(archive, name, planned)))
            touched.append(predictions)
            done += len(accepted)
        for line in event_lines:
            events.append(line)
        if event_lines:
            touched.append(events)
        finish_batch(touched, moves)
    seconds = time.perf_counter() - started
    print(json.dumps({"bench": "predict", "impl": "python-reference", "files": done, "rejected": rejected,
                      "seconds": round(seconds, 4)}))


def ingest(args):
    root = args.root
    inbox = os.path.join(root, "inbox")
    os.makedirs(os.path.join(root, "state"), exist_ok=True)
    os.makedirs(os.path.join(root, "outbox"), exist_ok=True)
    db = sqlite3.connect(os.path.join(root, "state", "reference.sqlite"), isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("""CREATE TABLE IF NOT EXISTS examples (id INTEGER PRIMARY KEY AUTOINCREMENT, sha256 TEXT NOT NULL UNIQUE,
                  label TEXT NOT NULL, width INTEGER, height INTEGER, pixels BLOB NOT NULL, original_name TEXT, added TEXT)""")
    size = (28, 28)
    started = time.perf_counter()

    work = []
    for top in sorted(os.scandir(inbox), key=lambda e: e.name):
        if top.name[0] in "._" or not top.is_dir(follow_symlinks=False):
            continue
        for folder, dirs, files in os.walk(top.path):
            dirs[:] = sorted(d for d in dirs if d[0] not in "._")
            for f in sorted(files):
                if f[0] not in "._":
                    work.append((top.name, folder, f))
    events = Outbox(os.path.join(root, "outbox", "events.jsonl"))
    examples = duplicates = rejected = 0
    for start in range(0, len(work), args.batch):
        chunk = work[start:start + args.batch]
        moves, event_lines, planned, rows, seen = [], [], set(), [], {}
        now = rfc3339_now()
        for label, folder, name in chunk:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, inbox)
            if os.path.islink(path):
                reject(root, event_lines, rel, folder, name, None, "symlink", "not followed", planned, moves)
                rejected += 1
                continue
            data = read_file(path)
            sha = hashlib.sha256(data).hexdigest()
            existing = seen.get(sha)
            if existing is None:
                r = db.execute("SELECT label FROM examples WHERE sha256 = ?", (sha,)).fetchone()
                existing = r[0] if r else None
            archive = os.path.join(root, "archive", "labeled", os.path.relpath(folder, inbox))
            if existing == label:
                duplicates += 1
                moves.append((path, unique_destination(archive, name, planned)))
                continue
            try:
                pixels = normalize(data, size)
            except Exception as e:
                reject(root, event_lines, rel, folder, name, sha, "corrupt", str(e), planned, moves)
                rejected += 1
                continue
            rows.append((sha, label, size[0], size[1], pixels, rel, now))
            seen[sha] = label
            moves.append((path, unique_destination(archive, name, planned)))
            examples += 1
        db.execute("BEGIN")
        db.executemany("INSERT OR IGNORE INTO examples (sha256, label, width, height, pixels, original_name, added) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
        for line in event_lines:
            events.append(line)
        finish_batch([events] if event_lines else [], moves)
    seconds = time.perf_counter() - started
    print(json.dumps({"bench": "ingest", "impl": "python-reference", "files": examples + duplicates + rejected,
                      "examples": examples, "duplicates": duplicates, "rejected": rejected, "seconds": round(seconds, 4)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("predict")
    p.add_argument("root")
    p.add_argument("--model")
    p.add_argument("--batch", type=int, default=512)
    i = sub.add_parser("ingest")
    i.add_argument("root")
    i.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()
    predict(args) if args.command == "predict" else ingest(args)


if __name__ == "__main__":
    main()
