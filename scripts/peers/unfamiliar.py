"""mcnd's content check ("unfamiliar") beside three simple detectors, on the same images.

mcnd trains with the defaults on the first --train Fashion-MNIST training images
(PNGs in inbox/<label>/, `mcnd --once`) with review.format_check=false, so
that only the content check decides; then the first --test t10k images and the
foreign sets below are dropped into inbox/ as 28x28 gray 8-bit PNGs (the format
never tells them apart) and a second `mcnd --once` answers them. Each line's
`unfamiliar` is read from outbox/predictions.jsonl.

The peers are fitted on the same training images' pixels/255:
  knn          mean Euclidean distance to the 5 nearest training images
  pca          residual outside the 50 main principal components
  mahalanobis  squared Mahalanobis distance to the pixel mean, Ledoit-Wolf shrinkage covariance
Each peer's cut-off flags exactly the share of the t10k requests that mcnd
flagged (the same false-flag rate); the table gives the share of each foreign
set flagged.

Foreign sets (every one 28x28 gray, 8-bit):
  pngsuite         PngSuite's valid images (not the x* corrupt ones), alpha
                   over black, to gray, resized to 28x28 (bilinear)
  noise            200 images of uniform random pixels
  shapes           200 images of 1-3 filled rectangles, ellipses or lines
  inverted         the first 500 t10k images, black and white swapped
  digits-stretched scikit-learn's 1,797 8x8 handwritten digits, resized to 28x28
  digits-mnist     the same digits MNIST-style: resized to 20x20, centred in 28x28
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, warnings

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from small_data import NAMES, load  # noqa: E402

PEERS = ["knn", "pca", "mahalanobis"]
SETS = ["pngsuite", "noise", "shapes", "inverted", "digits-stretched", "digits-mnist"]


def pngsuite(folder):
    out = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".png") or name.startswith("x"):
            continue
        try:
            im = Image.open(os.path.join(folder, name))
            im.load()
        except Exception:
            continue
        rgba = im.convert("RGBA")
        over = Image.alpha_composite(Image.new("RGBA", rgba.size, (0, 0, 0, 255)), rgba)
        out.append(np.asarray(over.convert("L").resize((28, 28), Image.BILINEAR)))
    return np.array(out, np.uint8)


def shapes(rng, count):
    out = []
    for _ in range(count):
        im = Image.new("L", (28, 28), 0)
        draw = ImageDraw.Draw(im)
        for _ in range(rng.integers(1, 4)):
            value = int(rng.integers(80, 256))
            (x0, x1), (y0, y1) = np.sort(rng.integers(0, 28, 2)), np.sort(rng.integers(0, 28, 2))
            kind = rng.integers(3)
            if kind == 0:
                draw.rectangle([x0, y0, x1, y1], fill=value)
            elif kind == 1:
                draw.ellipse([x0, y0, x1, y1], fill=value)
            else:
                draw.line([x0, y0, x1, y1], fill=value, width=int(rng.integers(1, 4)))
        out.append(np.asarray(im))
    return np.array(out, np.uint8)


def digits():
    from sklearn.datasets import load_digits
    d = (load_digits().images * 16).clip(0, 255).astype(np.uint8)
    stretched = np.array([np.asarray(Image.fromarray(a).resize((28, 28), Image.BILINEAR)) for a in d])
    mnist = np.zeros((len(d), 28, 28), np.uint8)
    for i, a in enumerate(d):
        mnist[i, 4:24, 4:24] = np.asarray(Image.fromarray(a).resize((20, 20), Image.BILINEAR))
    return stretched, mnist


def foreign_sets(xt, suite_folder, seed):
    rng = np.random.default_rng(seed)
    stretched, mnist = digits()
    return {
        "pngsuite": pngsuite(suite_folder),
        "noise": rng.integers(0, 256, (200, 28, 28), dtype=np.uint8),
        "shapes": shapes(rng, 200),
        "inverted": 255 - xt[:500],
        "digits-stretched": stretched,
        "digits-mnist": mnist,
    }


def drop(root, stage, images, prefix):
    os.makedirs(stage, exist_ok=True)
    names = [f"{prefix}-{i:05d}.png" for i in range(len(images))]
    for name, a in zip(names, images):
        Image.fromarray(a, "L").save(os.path.join(stage, name))
    for name in names:
        os.rename(os.path.join(stage, name), os.path.join(root, "inbox", name))


def mcnd_flags(mcnd, x, y, requests, workdir):
    """Trains mcnd on x, y; returns {prefix: boolean array} for the requests, in order."""
    root, stage = os.path.join(workdir, "root"), os.path.join(workdir, "stage")
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([mcnd, "init", root], check=True, stdout=subprocess.DEVNULL)
    options = ["--set", "settle_seconds=0", "--set", "review.format_check=false"]
    for i, a in enumerate(x):
        d = os.path.join(stage, NAMES[y[i]])
        os.makedirs(d, exist_ok=True)
        Image.fromarray(a, "L").save(os.path.join(d, f"{i:05d}.png"))
    for name in os.listdir(stage):
        os.rename(os.path.join(stage, name), os.path.join(root, "inbox", name))
    subprocess.run([mcnd, "--once", "--root", root] + options, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for prefix, images in requests.items():
        drop(root, stage, images, prefix)
    subprocess.run([mcnd, "--once", "--root", root] + options, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    flags = {p: np.zeros(len(images), bool) for p, images in requests.items()}
    seen = 0
    with open(os.path.join(root, "outbox", "predictions.jsonl")) as f:
        for line in f:
            p = json.loads(line)
            prefix, _, number = p["file"][:-4].rpartition("-")
            if prefix not in flags:
                continue
            seen += 1
            unfamiliar = p.get("unfamiliar", False)
            assert not unfamiliar or p.get("unfamiliar_reason") == "content", f"{p['file']}: {p.get('unfamiliar_reason')}"
            flags[prefix][int(number)] = unfamiliar
    assert seen == sum(len(v) for v in requests.values()), f"{seen} predictions for the requests"
    return flags


def peer_scores(train, requests):
    """{peer: {prefix: scores}}, higher = less like the training images."""
    from sklearn.covariance import LedoitWolf
    from sklearn.decomposition import PCA
    from sklearn.neighbors import NearestNeighbors
    warnings.filterwarnings("ignore")
    a = train.reshape(len(train), -1) / 255.0
    flat = {p: r.reshape(len(r), -1) / 255.0 for p, r in requests.items()}
    knn = NearestNeighbors(n_neighbors=5, algorithm="brute").fit(a)
    pca = PCA(50, random_state=0).fit(a)
    lw = LedoitWolf().fit(a)
    out = {"knn": {}, "pca": {}, "mahalanobis": {}}
    for p, b in flat.items():
        out["knn"][p] = knn.kneighbors(b)[0].mean(axis=1)
        out["pca"][p] = np.linalg.norm(b - pca.inverse_transform(pca.transform(b)), axis=1)
        out["mahalanobis"][p] = lw.mahalanobis(b)
    return out


def at_rate(scores, test_prefix, flagged):
    """The cut-off that flags exactly `flagged` of the t10k requests (the highest scores)."""
    s = np.sort(scores[test_prefix])[::-1]
    return s[flagged] if flagged < len(s) else -np.inf


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--mcnd", required=True)
    ap.add_argument("--data", default=os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
    ap.add_argument("--pngsuite", default=os.path.join(here, "..", "..", "..", "shared", "testdata", "png", "pngsuite"))
    ap.add_argument("--train", type=int, default=20000)
    ap.add_argument("--test", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write every figure to this file")
    args = ap.parse_args()
    if args.test < 2000:
        ap.error("--test: at least 2,000 t10k images (the false-flag rate is a share of them)")
    x, y = load(args.data, "train")
    xt, _ = load(args.data, "t10k")
    x, y, xt = x[: args.train], y[: args.train], xt[: args.test]
    requests = {"t10k": xt, **foreign_sets(xt, args.pngsuite, args.seed)}
    with tempfile.TemporaryDirectory(prefix="mcnd-unfamiliar-") as work:
        flags = mcnd_flags(args.mcnd, x, y, requests, work)
    flagged = int(flags["t10k"].sum())
    scores = peer_scores(x, requests)
    rows = []
    for p in ["t10k"] + SETS:
        row = {"set": p, "n": len(requests[p]), "mcnd": float(flags[p].mean())}
        for peer in PEERS:
            cut = at_rate(scores[peer], "t10k", flagged)
            row[peer] = float((scores[peer][p] > cut).mean())
        row["best_peer"] = max(row[peer] for peer in PEERS)
        rows.append(row)
    print(f"mcnd trained on {len(x)} Fashion-MNIST training images; {len(xt)} t10k requests, {flagged} flagged "
          f"({flagged / len(xt):.2%}): every peer's cut-off flags the same {flagged}")
    print(f"{'set':18} {'n':>6} {'mcnd':>7} {'knn':>7} {'pca':>7} {'mahal':>7} {'best peer':>9}")
    for r in rows:
        mark = "" if r["set"] == "t10k" or r["mcnd"] >= r["best_peer"] else "  < best peer"
        print(f"{r['set']:18} {r['n']:6d} " + " ".join(f"{r[k]:7.1%}" for k in ["mcnd"] + PEERS) + f" {r['best_peer']:9.1%}{mark}")
    summary = {"bench": "unfamiliar", "train": len(x), "test": len(xt), "test_flagged": flagged, "rows": rows}
    print(json.dumps(summary))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f)


if __name__ == "__main__":
    main()
