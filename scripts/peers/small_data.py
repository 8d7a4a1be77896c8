"""mcnd against scikit-learn on the same few images, as a new user would try it.

For every n: a stratified, seeded subset of n Fashion-MNIST training images is
written as PNGs into a fresh root's inbox/<label>/, `mcnd --once` (settle 0: the files are complete when renamed in) trains on them
with the defaults, then the first --test t10k images are dropped into inbox/ and a
second `mcnd --once` answers them; the accuracy is read from predictions.jsonl.
The peers (LogisticRegression, MLPClassifier((100,), logistic), SVC) train on the
same n images' pixels/255 and are scored on the same test images. Prints one
row per n and a JSON line per figure.
"""
import argparse, gzip, json, os, shutil, sqlite3, subprocess, sys, tempfile, time, warnings

import numpy as np
from PIL import Image

# --set KEY=VALUE options passed on to every mcnd run (a configuration to compare with the defaults).
SETS = []

NAMES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"]


def load(data, kind):
    with gzip.open(f"{data}/{kind}-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(f"{data}/{kind}-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    return x, y


def stratified(y, n, seed):
    rng = np.random.default_rng(seed)
    picked = [rng.choice(np.where(y == c)[0], n // 10, replace=False) for c in range(10)]
    out = np.concatenate(picked)
    rng.shuffle(out)
    return out


def mcnd_accuracy(mcnd, x, y, idx, xt, yt, workdir, subsets=None):
    root, stage = os.path.join(workdir, "root"), os.path.join(workdir, "stage")
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([mcnd, "init", root], check=True, stdout=subprocess.DEVNULL)
    drop_examples(root, stage, x, y, idx)
    began = time.monotonic()
    subprocess.run([mcnd, "--once", "--root", root, "--set", "settle_seconds=0", *SETS], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - began
    seconds = None
    with open(os.path.join(root, "outbox", "events.jsonl")) as f:
        for line in f:
            e = json.loads(line)
            if e.get("event") == "run_finished":
                seconds = e.get("seconds")
    if subsets:
        write_subset(root, subsets, len(idx))
    accuracy, precision, share = ask(mcnd, root, stage, xt, yt, "t")
    return accuracy, seconds, wall, precision, share


def write_subset(root, directory, n):
    """The examples as the daemon stored them: per row, in its order, the training-file
    index, its label number and its fold key (hex digits 9-24 of the SHA-256), so
    `mcnd-bench small-data --subsets` trains the same rows, order, labels and folds."""
    db = sqlite3.connect(os.path.join(root, "state", "mcnd.sqlite"))
    try:
        # The order a full run reads them in: the training split, then the hold-out (each by id).
        rows = db.execute("SELECT original_name, label_idx, sha256 FROM examples ORDER BY split = 'validation', id").fetchall()
    finally:
        db.close()
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, f"subset-{n}.txt"), "w") as f:
        for name, label, sha in rows:
            f.write(f"{int(os.path.basename(name).split('.')[0])} {label} {int(sha[8:24], 16)}\n")


def drop_examples(root, stage, x, y, idx):
    shutil.rmtree(stage, ignore_errors=True)
    for i in idx:
        d = os.path.join(stage, NAMES[y[i]])
        os.makedirs(d, exist_ok=True)
        Image.fromarray(x[i]).save(os.path.join(d, f"{i}.png"))
    for name in os.listdir(stage):
        src, dst = os.path.join(stage, name), os.path.join(root, "inbox", name)
        if os.path.exists(dst):
            for f in os.listdir(src):
                os.rename(os.path.join(src, f), os.path.join(dst, f))
        else:
            os.rename(src, dst)


def ask(mcnd, root, stage, xt, yt, prefix):
    """Drops the test images as requests, runs --once; returns the accuracy of their lines,
    the precision of the auto-accepted ones and their share."""
    os.makedirs(stage, exist_ok=True)
    for j in range(len(yt)):
        Image.fromarray(xt[j]).save(os.path.join(stage, f"{prefix}{j:05d}.png"))
    for j in range(len(yt)):
        os.rename(os.path.join(stage, f"{prefix}{j:05d}.png"), os.path.join(root, "inbox", f"{prefix}{j:05d}.png"))
    subprocess.run([mcnd, "--once", "--root", root, "--set", "settle_seconds=0", *SETS], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    right = total = accepted = accepted_right = 0
    with open(os.path.join(root, "outbox", "predictions.jsonl")) as f:
        for line in f:
            p = json.loads(line)
            if not p["file"].startswith(prefix):
                continue
            total += 1
            ok = p["label"] == NAMES[yt[int(p["file"][len(prefix):len(prefix) + 5])]]
            right += ok
            # Auto-accepted: answered without going to review/ (review off counts every answer).
            if not p.get("review", False):
                accepted += 1
                accepted_right += ok
    assert total == len(yt), f"{total} predictions for {len(yt)} requests"
    return right / total, (accepted_right / accepted if accepted else None), accepted / total


def drops(mcnd, x, y, xt, yt, count, size, seed, workdir):
    """`count` drops of `size` stratified examples, `--once` after each; then the
    served model's accuracy beside a full retrain's on the same examples."""
    root, stage = os.path.join(workdir, "drops"), os.path.join(workdir, "stage")
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([mcnd, "init", root], check=True, stdout=subprocess.DEVNULL)
    idx = stratified(y, count * size, seed)
    per = [idx[y[idx] == c] for c in range(10)]
    for k in range(count):
        chunk = np.concatenate([p[k * (size // 10):(k + 1) * (size // 10)] for p in per])
        drop_examples(root, stage, x, y, chunk)
        subprocess.run([mcnd, "--once", "--root", root, "--set", "settle_seconds=0", *SETS], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    modes = [json.loads(l)["mode"] for l in open(os.path.join(root, "outbox", "events.jsonl"))
             if json.loads(l).get("event") == "run_started"]
    served = ask(mcnd, root, stage, xt, yt, "s")[0]
    subprocess.run([mcnd, "--root", root, "train", "--full", "--set", "settle_seconds=0", *SETS], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    full = ask(mcnd, root, stage, xt, yt, "f")[0]
    print(f"{count} drops of {size}, --once after each: runs {' '.join(modes)}")
    print(f"  served model {served:.4f}; a full retrain on the same {count * size} examples {full:.4f}; difference {served - full:+.4f}")
    print(json.dumps({"bench": "small_data_drops", "drops": count, "size": size, "modes": modes, "served": served, "full": full}))


def peers(x, y, idx, xt, yt, skip_svc_above):
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC
    warnings.filterwarnings("ignore")
    a = x[idx].reshape(len(idx), -1) / 255.0
    b = xt.reshape(len(xt), -1) / 255.0
    out = {}
    models = {
        "logistic": LogisticRegression(max_iter=1000),
        "mlp": MLPClassifier((100,), activation="logistic", random_state=0),
        "svc": SVC(),
    }
    for name, m in models.items():
        if name == "svc" and len(idx) > skip_svc_above:
            out[name] = None
            continue
        out[name] = float(m.fit(a, y[idx]).score(b, yt))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mcnd", required=True)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--sizes", default="100,300,1000,3000,10000,60000")
    ap.add_argument("--test", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--svc-max", type=int, default=10000, help="SVC above this n is skipped (minutes of fitting)")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="passed on to every mcnd run")
    ap.add_argument("--write-subsets", metavar="DIR", help="also write each n's examples as the daemon stored them to DIR/subset-<n>.txt (for mcnd-bench small-data --subsets DIR)")
    ap.add_argument("--drops", help="COUNT,SIZE: COUNT drops of SIZE examples with --once after each, then a full retrain")
    args = ap.parse_args()
    for kv in args.set:
        SETS.extend(["--set", kv])
    x, y = load(args.data, "train")
    xt, yt = load(args.data, "t10k")
    xt, yt = xt[: args.test], yt[: args.test]
    print(f"t10k: the first {len(yt)} images; subsets stratified, seed {args.seed}")
    if args.drops:
        count, size = (int(v) for v in args.drops.split(","))
        with tempfile.TemporaryDirectory() as work:
            drops(args.mcnd, x, y, xt, yt, count, size, args.seed, work)
        return
    print(f"{'n':>6} | {'mcnd':>6} | {'train s':>7} | {'logistic':>8} | {'mlp':>6} | {'svc':>6} | mcnd − best peer | auto-accepted: precision (share)")
    with tempfile.TemporaryDirectory() as work:
        for n in [int(s) for s in args.sizes.split(",")]:
            idx = np.arange(len(y)) if n >= len(y) else stratified(y, n, args.seed)
            acc, seconds, wall, precision, share = mcnd_accuracy(args.mcnd, x, y, idx, xt, yt, work, args.write_subsets)
            p = {} if args.no_peers else peers(x, y, idx, xt, yt, args.svc_max)
            best = max([v for v in p.values() if v is not None], default=None)
            f = lambda v: "—" if v is None else f"{v:.4f}"
            gap = "—" if best is None else f"{acc - best:+.4f}"
            auto = f"{f(precision)} ({share:.3f})"
            print(f"{len(idx):>6} | {acc:.4f} | {seconds or 0:7.2f} | {f(p.get('logistic')):>8} | {f(p.get('mlp')):>6} | {f(p.get('svc')):>6} | {gap:>16} | {auto}", flush=True)
            print(json.dumps({"bench": "small_data", "n": int(len(idx)), "mcnd": acc, "mcnd_training_s": seconds,
                              "mcnd_once_wall_s": round(wall, 3), "auto_accepted_precision": precision,
                              "auto_accepted_share": share, **p}), flush=True)


if __name__ == "__main__":
    main()
