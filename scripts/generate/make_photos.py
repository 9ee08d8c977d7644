#!/usr/bin/env python3
"""Deterministic phone-photo captures of real pages, with their truth files, for `scan-c1 eval`.

Each page (an image with NAME.truth.json beside it) is laid on a textured background as if
photographed: the sheet tilted up to --max-tilt degrees out of the camera plane (pinhole
perspective), turned by any angle, 35–75% of the frame, uneven light, sometimes a soft shadow
across part of it or an object over one corner's margin, blur and JPEG. The photo keeps the
page's station name and page marker (`kubu-02-v3-lembar1.jpg`) so pages of one capture pass
form one station.

usage: make_photos.py OUT [--pages SampleScans/kpu-2019] [--variants 5] [--seed 2026]
       [--size 3000x4000] [--max-tilt 35]
Needs numpy and ImageMagick's `convert`.
"""
import argparse, glob, json, math, os, re, shutil, subprocess, sys, tempfile
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))
from digits import parse_pgm  # noqa: E402


def read_gray(path):
    with tempfile.NamedTemporaryFile(suffix=".pgm") as t:
        subprocess.run(["convert", path, "-strip", "-colorspace", "gray", "-depth", "8", t.name], check=True)
        return parse_pgm(open(t.name, "rb").read()).astype(np.float32)


def write_jpeg(path, gray, quality):
    with tempfile.NamedTemporaryFile(suffix=".pgm") as t:
        h, w = gray.shape
        t.write(f"P5\n{w} {h}\n255\n".encode() + gray.tobytes()); t.flush()
        subprocess.run(["convert", t.name, "-quality", str(quality), path], check=True)


def homography(src, dst):
    a, b = [], []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y]); b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y]); b.append(v)
    return np.append(np.linalg.solve(np.array(a), np.array(b)), 1).reshape(3, 3)


def projected_corners(w, h, rng, max_tilt, W, H):
    """The page's corners in the photo: a plane tilted about a random axis, seen by a pinhole
    camera, turned by any angle, scaled to 35–75% of the frame and placed inside it."""
    tilt = math.radians(rng.uniform(0, max_tilt))
    axis = rng.uniform(0, 2 * math.pi)
    ax, ay = math.cos(axis), math.sin(axis)
    # Rodrigues rotation about (ax, ay, 0).
    c, s = math.cos(tilt), math.sin(tilt)
    R = np.array([[c + ax * ax * (1 - c), ax * ay * (1 - c), ay * s],
                  [ax * ay * (1 - c), c + ay * ay * (1 - c), -ax * s],
                  [-ay * s, ax * s, c]])
    f = 1.2 * max(w, h)  # focal length: a phone's ~65° field of view over the page
    pts = []
    for x, y in ((0, 0), (w, 0), (w, h), (0, h)):
        p = R @ np.array([x - w / 2, y - h / 2, 0.0]) + np.array([0, 0, 1.6 * max(w, h)])
        pts.append((f * p[0] / p[2], f * p[1] / p[2]))
    pts = np.array(pts)
    turn = math.radians(rng.uniform(0, 360))
    rot = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    pts = pts @ rot.T
    span = pts.max(axis=0) - pts.min(axis=0)
    cover = rng.uniform(0.35, 0.75)
    k = math.sqrt(cover * W * H / (span[0] * span[1]))
    k = min(k, 0.96 * W / span[0], 0.96 * H / span[1])
    pts = (pts - pts.min(axis=0)) * k
    span = pts.max(axis=0) - pts.min(axis=0)
    off = np.array([rng.uniform(0.02 * W, W - span[0] - 0.02 * W), rng.uniform(0.02 * H, H - span[1] - 0.02 * H)])
    return pts + off, math.degrees(tilt), math.degrees(turn)


def background(rng, W, H):
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    base = rng.uniform(30, 150)
    kind = rng.integers(3)
    if kind == 0:  # wood-like stripes
        f = rng.uniform(0.01, 0.05)
        bg = base + 25 * np.sin(xx * f + 3 * np.sin(yy * 0.003))
    elif kind == 1:  # carpet: fine texture
        bg = base + rng.normal(0, 25, (H, W)).astype(np.float32)
    else:  # table with a few objects
        bg = np.full((H, W), base, np.float32)
        for _ in range(rng.integers(2, 6)):
            x0, y0 = rng.integers(0, W), rng.integers(0, H)
            bw, bh = rng.integers(W // 10, W // 3), rng.integers(H // 10, H // 3)
            bg[y0:y0 + bh, x0:x0 + bw] = rng.uniform(20, 230)
    return bg


def capture(page, rng, W, H, max_tilt):
    h, w = page.shape
    corners, tilt, turn = projected_corners(w, h, rng, max_tilt, W, H)
    m = homography(corners, [(0, 0), (w, 0), (w, h), (0, h)])  # photo -> page
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
    den = m[2, 0] * xx + m[2, 1] * yy + m[2, 2]
    sx = (m[0, 0] * xx + m[0, 1] * yy + m[0, 2]) / den
    sy = (m[1, 0] * xx + m[1, 1] * yy + m[1, 2]) / den
    inside = (sx >= 0) & (sy >= 0) & (sx < w - 1) & (sy < h - 1)
    x0 = np.clip(np.floor(sx).astype(int), 0, w - 2); y0 = np.clip(np.floor(sy).astype(int), 0, h - 2)
    fx = np.clip(sx - x0, 0, 1).astype(np.float32); fy = np.clip(sy - y0, 0, 1).astype(np.float32)
    out = (page[y0, x0] * (1 - fx) + page[y0, x0 + 1] * fx) * (1 - fy) + (page[y0 + 1, x0] * (1 - fx) + page[y0 + 1, x0 + 1] * fx) * fy
    out = np.where(inside, out, background(rng, W, H))
    notes = [f"tilt {tilt:.0f}", f"turn {turn:.0f}"]
    # Uneven light across the frame.
    g = rng.uniform(-0.35, 0.35, 2)
    out = out * (0.9 + g[0] * (xx / W - 0.5) + g[1] * (yy / H - 0.5))
    # A soft shadow over part of the page (a phone or a hand).
    if rng.random() < 0.3:
        a = rng.uniform(0, 2 * math.pi)
        d = (xx - W / 2) * math.cos(a) + (yy - H / 2) * math.sin(a) - rng.uniform(0, 0.3) * min(W, H)
        out = out * (1 - 0.35 / (1 + np.exp(-d / 40)))
        notes.append("shadow")
    # An object over the margin of one corner (a bag, a pen case), never over the boxes.
    if rng.random() < 0.25:
        ci = rng.integers(4)
        cx, cy = corners[ci]
        r = 0.05 * max(W, H)
        blob = (xx - cx) ** 2 + (yy - cy) ** 2 < r * r
        out = np.where(blob, rng.uniform(20, 90), out)
        notes.append("corner covered")
    sigma = rng.uniform(0, 1.6)
    if sigma > 0.4:
        k = np.exp(-0.5 * (np.arange(-3, 4) / sigma) ** 2); k /= k.sum()
        out = sum(k[i] * np.roll(out, i - 3, axis=1) for i in range(7))
        out = sum(k[i] * np.roll(out, i - 3, axis=0) for i in range(7))
        notes.append(f"blur {sigma:.1f}")
    out += rng.normal(0, 4, out.shape)
    return np.clip(out, 0, 255).astype(np.uint8), notes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--pages", default=os.path.join(HERE, "..", "..", "SampleScans", "kpu-2019"))
    ap.add_argument("--variants", type=int, default=5)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--size", default="3000x4000")
    ap.add_argument("--max-tilt", type=float, default=35)
    a = ap.parse_args()
    W, H = (int(v) for v in a.size.split("x"))
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    images = sorted(p for p in glob.glob(os.path.join(a.pages, "*")) if not p.endswith(".json")
                    and os.path.exists(os.path.splitext(p)[0] + ".truth.json"))
    log = []
    for v in range(1, a.variants + 1):
        for path in images:
            base = os.path.splitext(os.path.basename(path))[0]
            m = re.match(r"(.*?)([-_ .]*(lembar|hal|halaman|page)[-_ ]?\d+)$", base, re.I)
            name = f"{m.group(1)}-v{v}{m.group(2)}" if m else f"{base}-v{v}"
            photo, notes = capture(read_gray(path), rng, W, H, a.max_tilt)
            write_jpeg(os.path.join(a.out, name + ".jpg"), photo, int(rng.integers(70, 92)))
            shutil.copyfile(os.path.splitext(path)[0] + ".truth.json", os.path.join(a.out, name + ".truth.json"))
            log.append(f"{name}: {', '.join(notes)}")
            print(log[-1], flush=True)
    with open(os.path.join(a.out, "captures.txt"), "w") as f:
        f.write("\n".join(log) + "\n")


if __name__ == "__main__":
    main()
