#!/usr/bin/env python3
"""Trains DigitReader's second reader: a small CNN over 28x28 box crops (the BoxCrop.normalized()
convention), classes 0-9, X, - (blank is decided from ink before any reader runs).

Data: the MNIST training split (the test split is only measured), synthetic X / - marks (optionally
the parts of an X drawn across two or three boxes, --spanning-x) and
seven-segment digits, and real box crops exported by `scan-c1 digits export` (optional; whole
stations can be held out with --holdout to measure on boxes the model never saw).
numpy only; 2 cores, a few minutes. Writes the weights file DigitReader loads.

usage: train_classifier.py --out Sources/DigitReader/Models/classifier.bin [--real DIR] [--holdout a,b]
The shipped model: --real <digits export of SampleScans/kpu-2019> --spanning-x 2000 --epochs 10
(seed 7, about 15 minutes).
"""
import argparse, glob, os, struct, sys, time
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digits import *  # noqa

ap = argparse.ArgumentParser()
ap.add_argument("--out", required=True)
ap.add_argument("--real", help="folder from `scan-c1 digits export`")
ap.add_argument("--holdout", default="", help="comma-separated station prefixes kept out of training")
ap.add_argument("--real-copies", type=int, default=16)
ap.add_argument("--epochs", type=int, default=8)
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--mnist-limit", type=int, default=60000)
ap.add_argument("--spanning-x", type=int, default=0,
                help="samples of an X drawn across 2-3 boxes (one box's part), as X; the shipped model: "
                     "--spanning-x 2000 --epochs 10 (held-out real boxes 95.4%% -> 97.2%% combined)")
ap.add_argument("--pipeline", help="folder from `scan-c1 digits export` of generated training pages "
                "(make_pages.py --digits train): MNIST training digits as FormScan crops them after "
                "capture and cleaning; each crop used once, plus --pipeline-copies augmented copies")
ap.add_argument("--pipeline-copies", type=int, default=0)
ap.add_argument("--pipeline-x", type=int, default=6000, help="at most this many X crops from --pipeline")
ap.add_argument("--barred-sevens", type=float, default=0.0,
                help="share of the MNIST training 7s given a bar across the stem (the Indonesian 7); "
                     "0.3 with --footed-ones 0.1 tried in session 8: no gain held out (docs/measurements.md)")
ap.add_argument("--footed-ones", type=float, default=0.0,
                help="share of the MNIST training 1s given a foot (a base stroke)")
ap.add_argument("--varied-dashes", action="store_true",
                help="half the synthetic dashes short (down to a sixth of the box) or slanted, as on the "
                     "2019 DPR plano sheets")
a = ap.parse_args()
rng = np.random.default_rng(a.seed)
LABEL = {c: i for i, c in enumerate(CLASSES)}


def read_pgm(path):
    with open(path, "rb") as f:
        return parse_pgm(f.read())


def from_mnist(img, label, augment_it):
    ink = tight(img.astype(float) / 255)
    ink = resize(ink, ink.shape[0] * 2, ink.shape[1] * 2)  # to box scale, where pens are thin
    if label == 7 and rng.random() < a.barred_sevens:
        barred = add_bar(ink, rng, rng.uniform(0.45, 0.62))
        ink = ink if barred is None else barred
    elif label == 1 and rng.random() < a.footed_ones:
        footed = add_bar(ink, rng, rng.uniform(0.93, 0.99), (0.25, 0.45))
        ink = ink if footed is None else footed
    if augment_it:
        ink = augment(ink, rng)
    if ink is not None and rng.random() < 0.6:
        t = morph(ink, -1)
        if t.max() > 0.5:
            ink = t
    return None if ink is None else normalized28(tight(ink, 0.1) if tight(ink, 0.1) is not None else ink)


def real_ink(path):
    g = read_pgm(path).astype(float)
    return tight(1 - g / 255.0, 0.1)


t0 = time.time()
X, Y = [], []
imgs, labs = load_mnist("train")
for i in range(min(a.mnist_limit, len(imgs))):
    v = from_mnist(imgs[i], int(labs[i]), rng.random() < 0.6)
    if v is not None:
        X.append(v); Y.append(int(labs[i]))
print(f"mnist {len(X)} samples {time.time() - t0:.0f}s", flush=True)
for _ in range(14000):
    ink = synth_cross(rng); ink = augment(ink, rng) if rng.random() < 0.7 else ink
    if ink is not None: X.append(normalized28(ink)); Y.append(LABEL["X"])
for _ in range(a.spanning_x):
    ink = synth_spanning_cross_part(rng)
    if ink is None: continue
    ink = augment(ink, rng, 0.5) if rng.random() < 0.5 else ink
    if ink is not None: X.append(normalized28(ink)); Y.append(LABEL["X"])
for _ in range(5000):
    ink = synth_dash(rng, a.varied_dashes); ink = augment(ink, rng, 0.5) if rng.random() < 0.5 else ink
    if ink is not None: X.append(normalized28(ink)); Y.append(LABEL["-"])
for _ in range(6000):
    d = int(rng.integers(10)); ink = synth_seven_segment(rng, d)
    ink = augment(ink, rng, 0.5) if rng.random() < 0.5 else ink
    if ink is not None: X.append(normalized28(ink)); Y.append(d)
print(f"+synthetic {len(X)} samples {time.time() - t0:.0f}s", flush=True)

def labelled_folders(root):
    """(class index, sorted crop paths) per label folder of a `scan-c1 digits export`."""
    for label_dir in sorted(glob.glob(os.path.join(root, "*"))):
        name = os.path.basename(label_dir)
        label = LABEL["-"] if name == "dash" else LABEL.get(name)
        if label is not None:
            yield label, sorted(glob.glob(os.path.join(label_dir, "*.pgm")))


holdout = [h for h in a.holdout.split(",") if h]
real_eval = []
if a.real:
    n_real = 0
    for label, paths in labelled_folders(a.real):
        for p in paths:
            station = os.path.basename(p).split("__")[0]
            ink = real_ink(p)
            if ink is None: continue
            if any(station.startswith(h) for h in holdout):
                real_eval.append((normalized28(ink), label, os.path.basename(p)))
                continue
            X.append(normalized28(ink)); Y.append(label); n_real += 1
            for _ in range(a.real_copies):
                v = augment(ink, rng, 0.6)
                if v is not None: X.append(normalized28(v)); Y.append(label)
    print(f"+real {n_real} boxes (x{a.real_copies + 1}), {len(real_eval)} held out; {len(X)} samples {time.time() - t0:.0f}s", flush=True)

if a.pipeline:
    n_pipe = 0
    for label, paths in labelled_folders(a.pipeline):
        if label == LABEL["X"] and len(paths) > a.pipeline_x:
            paths = [paths[i] for i in sorted(rng.choice(len(paths), a.pipeline_x, replace=False))]
        for p in paths:
            ink = real_ink(p)
            if ink is None: continue
            X.append(normalized28(ink)); Y.append(label); n_pipe += 1
            for _ in range(a.pipeline_copies):
                v = augment(ink, rng, 0.5)
                if v is not None: X.append(normalized28(v)); Y.append(label)
    print(f"+pipeline {n_pipe} crops; {len(X)} samples {time.time() - t0:.0f}s", flush=True)

X = np.array(X, dtype=np.float32)[..., None]; Y = np.array(Y)
perm = rng.permutation(len(X)); X, Y = X[perm], Y[perm]
nval = 5000
Xv, Yv, X, Y = X[:nval], Y[:nval], X[nval:], Y[nval:]

# ---------------------------------------------------------------- the network (NHWC)
def conv_cols(x, k):
    n, h, w, c = x.shape
    oh, ow = h - k + 1, w - k + 1
    s = x.strides
    cols = np.lib.stride_tricks.as_strided(x, (n, oh, ow, k, k, c), (s[0], s[1], s[2], s[1], s[2], s[3]))
    return cols.reshape(n * oh * ow, k * k * c), (n, oh, ow)

def he(*shape, fan_in):
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

K = 5
P = {"c1w": he(K * K * 1, 20, fan_in=25), "c1b": np.zeros(20, np.float32),
     "c2w": he(K * K * 20, 40, fan_in=500), "c2b": np.zeros(40, np.float32),
     "f1w": he(640, 128, fan_in=640), "f1b": np.zeros(128, np.float32),
     "f2w": he(128, 12, fan_in=128) * 0.5, "f2b": np.zeros(12, np.float32)}

def pool(x):
    n, h, w, c = x.shape
    r = x.reshape(n, h // 2, 2, w // 2, 2, c)
    m = r.max(axis=(2, 4))
    mask = (r == m[:, :, None, :, None, :])
    return m, mask

def forward(x, train=False):
    c1, s1 = conv_cols(x, K)
    a1 = np.maximum(c1 @ P["c1w"] + P["c1b"], 0).reshape(*s1, 20)
    p1, m1 = pool(a1)
    c2, s2 = conv_cols(np.ascontiguousarray(p1), K)
    a2 = np.maximum(c2 @ P["c2w"] + P["c2b"], 0).reshape(*s2, 40)
    p2, m2 = pool(a2)
    f = p2.reshape(len(x), -1)
    h = np.maximum(f @ P["f1w"] + P["f1b"], 0)
    if train:
        drop = (rng.random(h.shape) > 0.3).astype(np.float32) / 0.7
        h = h * drop
    else:
        drop = None
    z = h @ P["f2w"] + P["f2b"]
    return z, (x, c1, s1, a1, m1, p1, c2, s2, a2, m2, p2, f, h, drop)

def unpool(d, mask):
    n, h, w, c = d.shape
    g = mask * d[:, :, None, :, None, :]
    return g.reshape(n, h * 2, w * 2, c)

def col2im(dcols, shape, k, in_shape):
    n, oh, ow = shape
    c = in_shape[3]
    d = dcols.reshape(n, oh, ow, k, k, c)
    dx = np.zeros(in_shape, np.float32)
    for i in range(k):
        for j in range(k):
            dx[:, i:i + oh, j:j + ow, :] += d[:, :, :, i, j, :]
    return dx

def backward(dz, cache):
    x, c1, s1, a1, m1, p1, c2, s2, a2, m2, p2, f, h, drop = cache
    g = {}
    g["f2w"] = h.T @ dz; g["f2b"] = dz.sum(0)
    dh = dz @ P["f2w"].T * (h > 0)
    if drop is not None: dh = dh * drop
    g["f1w"] = f.T @ dh; g["f1b"] = dh.sum(0)
    df = (dh @ P["f1w"].T).reshape(p2.shape)
    da2 = unpool(df, m2) * (a2 > 0)
    da2f = da2.reshape(-1, 40)
    g["c2w"] = c2.T @ da2f; g["c2b"] = da2f.sum(0)
    dp1 = col2im(da2f @ P["c2w"].T, s2, K, p1.shape)
    da1 = unpool(dp1, m1) * (a1 > 0)
    da1f = da1.reshape(-1, 20)
    g["c1w"] = c1.T @ da1f; g["c1b"] = da1f.sum(0)
    return g

def softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)

def predict(x, bs=1000):
    return np.concatenate([forward(x[i:i + bs])[0] for i in range(0, len(x), bs)])

M = {k: np.zeros_like(v) for k, v in P.items()}; V = {k: np.zeros_like(v) for k, v in P.items()}
step = 0
bs = 128
for epoch in range(a.epochs):
    lr = 0.002 * (0.5 ** (epoch // 3))
    perm = rng.permutation(len(X))
    loss_sum = 0.0
    for b in range(0, len(X) - bs + 1, bs):
        idx = perm[b:b + bs]
        z, cache = forward(X[idx], train=True)
        p = softmax(z)
        loss_sum += -np.log(p[np.arange(bs), Y[idx]] + 1e-9).sum()
        dz = p; dz[np.arange(bs), Y[idx]] -= 1; dz /= bs
        g = backward(dz.astype(np.float32), cache)
        step += 1
        for k in P:
            M[k] = 0.9 * M[k] + 0.1 * g[k]; V[k] = 0.999 * V[k] + 0.001 * g[k] ** 2
            mh = M[k] / (1 - 0.9 ** step); vh = V[k] / (1 - 0.999 ** step)
            P[k] -= (lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
    acc = (predict(Xv).argmax(1) == Yv).mean()
    print(f"epoch {epoch + 1}: loss {loss_sum / len(X):.4f} val {acc * 100:.2f}% lr {lr} {time.time() - t0:.0f}s", flush=True)

# ---------------------------------------------------------------- calibration: temperature on the validation split
zv = predict(Xv)
best_t, best_nll = 1.0, 1e9
for t in np.arange(0.5, 3.01, 0.05):
    nll = -np.log(softmax(zv / t)[np.arange(len(Yv)), Yv] + 1e-12).mean()
    if nll < best_nll: best_t, best_nll = float(t), nll
pv = softmax(zv / best_t)
conf = pv.max(1); correct = pv.argmax(1) == Yv
ece = 0.0
for lo in np.arange(0, 1, 0.1):
    sel = (conf > lo) & (conf <= lo + 0.1)
    if sel.any(): ece += sel.mean() * abs(correct[sel].mean() - conf[sel].mean())
print(f"temperature {best_t:.2f}, validation ECE {ece * 100:.2f}%", flush=True)

# ---------------------------------------------------------------- measure: MNIST test split, held-out real boxes
ti, tl = load_mnist("t10k")
Xt = np.array([normalized28(tight(im.astype(float) / 255)) for im in ti], dtype=np.float32)[..., None]
pt = softmax(predict(Xt) / best_t)
top1 = (pt.argmax(1) == tl).mean(); top3 = (np.argsort(-pt, 1)[:, :3] == tl[:, None]).any(1).mean()
print(f"MNIST test (10,000): top-1 {top1 * 100:.2f}%  top-3 {top3 * 100:.2f}%", flush=True)
if real_eval:
    xr = np.array([r[0] for r in real_eval], dtype=np.float32)[..., None]; yr = np.array([r[1] for r in real_eval])
    pr = softmax(predict(xr) / best_t)
    ok = pr.argmax(1) == yr
    top3r = (np.argsort(-pr, 1)[:, :3] == yr[:, None]).any(1).mean()
    print(f"held-out real boxes ({len(yr)}): top-1 {ok.mean() * 100:.2f}%  top-3 {top3r * 100:.2f}%", flush=True)
    for (x_, y_, name), good, p_ in zip(real_eval, ok, pr):
        if not good: print(f"  miss {name}: truth {CLASSES[y_]} read {CLASSES[p_.argmax()]} ({p_.max():.2f})")

# ---------------------------------------------------------------- weights file (little-endian float32)
with open(a.out, "wb") as f:
    f.write(b"SC1CNN01")
    f.write(struct.pack("<f", best_t))
    order = ["c1w", "c1b", "c2w", "c2b", "f1w", "f1b", "f2w", "f2b"]
    f.write(struct.pack("<I", len(order)))
    for k in order:
        arr = P[k].astype("<f4")
        name = k.encode()
        f.write(struct.pack("<I", len(name)) + name + struct.pack("<I", arr.ndim) + struct.pack(f"<{arr.ndim}I", *arr.shape))
        f.write(arr.tobytes())
print(f"wrote {a.out}", flush=True)
