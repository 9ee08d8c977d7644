#!/usr/bin/env python3
"""The robustness suite's pages: every sample page with a truth file, transformed as real
scans and photos are (seeded, so the same seed gives the same pages), one folder per
transformation, each page's truth file copied beside it.

    python3 scripts/robustness/make-variants.py SAMPLES_DIR OUT_DIR [--seed N] [--only NAME,...]

Transformations (a folder each):
  binarize-128, binarize-96, binarize-160   threshold to pure black and white (a fax-like scan)
  binarize-dither                           Floyd-Steinberg dithering to black and white
  binarize-128-rot1                         thresholded and turned 1 degree (the refused real scans)
  rotate-0.5, rotate-3                      turned, white corners
  jpeg-20                                   JPEG quality 20
  downscale-1000                            long side 1000 px
  stains                                    grey blots and a red stamp over random places, boxes included
  cut-edge                                  8% of one side cut off
  tilt-35                                   a photo 35 degrees off square (perspective), on a dark table
Needs Pillow and numpy. A measurement script, not run by CI (tests use a few of its pages).
"""
import argparse
import json
import os
import random
import shutil

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")


def pages(root):
    for dirpath, _, names in os.walk(root):
        for name in sorted(names):
            base, ext = os.path.splitext(name)
            if ext.lower() in IMAGE_EXTENSIONS and os.path.exists(os.path.join(dirpath, base + ".truth.json")):
                yield os.path.join(dirpath, name), os.path.join(dirpath, base + ".truth.json")


def binarize(im, t):
    return im.convert("L").point(lambda v: 255 if v >= t else 0).convert("L")


def rotate(im, degrees):
    return im.convert("L").rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=255)


def stains(im, rng):
    im = im.convert("RGB")
    w, h = im.size
    layer = Image.new("RGBA", im.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    for _ in range(6):
        r = rng.uniform(0.02, 0.06) * w
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        d.ellipse([x - r, y - r * 0.7, x + r, y + r * 0.7], fill=(120, 100, 60, 70))
    # A round red stamp.
    r = 0.08 * w
    x, y = rng.uniform(0.5, 0.9) * w, rng.uniform(0.2, 0.8) * h
    d.ellipse([x - r, y - r, x + r, y + r], outline=(200, 30, 40, 170), width=max(2, int(r / 12)))
    d.ellipse([x - 0.7 * r, y - 0.7 * r, x + 0.7 * r, y + 0.7 * r], outline=(200, 30, 40, 150), width=max(2, int(r / 16)))
    return Image.alpha_composite(im.convert("RGBA"), layer.filter(ImageFilter.GaussianBlur(1))).convert("RGB")


def cut_edge(im, rng):
    w, h = im.size
    side = rng.choice(["left", "right", "top", "bottom"])
    c = 0.08
    box = {"left": (int(c * w), 0, w, h), "right": (0, 0, int((1 - c) * w), h),
           "top": (0, int(c * h), w, h), "bottom": (0, 0, w, int((1 - c) * h))}[side]
    return im.crop(box)


def perspective_coeffs(src, dst):
    # Coefficients mapping output (dst) points to input (src) points, as PIL expects.
    a = []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    b = np.array([c for p in src for c in p], dtype=float)
    return np.linalg.solve(np.array(a, dtype=float), b).tolist()


def tilt(im, degrees, rng):
    im = im.convert("L")
    w, h = im.size
    # The far edge shortened as a camera 35 degrees off the page's normal sees it.
    k = np.cos(np.radians(degrees))
    shrink = (1 - k) * 0.5
    W, H = int(w * 1.3), int(h * 1.2)
    ox, oy = (W - w) / 2, (H - h) / 2
    top = shrink * w
    dst = [(ox + top, oy + h * (1 - k) * 0.3), (ox + w - top, oy + h * (1 - k) * 0.3), (ox + w, oy + h), (ox, oy + h)]
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    coeffs = perspective_coeffs(src, dst)
    canvas = Image.new("L", (W, H), 60)
    warped = im.transform((W, H), Image.PERSPECTIVE, coeffs, resample=Image.BICUBIC, fillcolor=60)
    mask = Image.new("L", (w, h), 255).transform((W, H), Image.PERSPECTIVE, coeffs, fillcolor=0)
    canvas.paste(warped, (0, 0), mask)
    return canvas


TRANSFORMS = {
    "binarize-128": lambda im, rng: binarize(im, 128),
    "binarize-96": lambda im, rng: binarize(im, 96),
    "binarize-160": lambda im, rng: binarize(im, 160),
    "binarize-dither": lambda im, rng: im.convert("L").convert("1").convert("L"),
    "binarize-128-rot1": lambda im, rng: binarize(rotate(im, rng.choice([-1, 1]) * 1.0), 128),
    "rotate-0.5": lambda im, rng: rotate(im, rng.choice([-0.5, 0.5])),
    "rotate-3": lambda im, rng: rotate(im, rng.choice([-3, 3])),
    "jpeg-20": None,
    "downscale-1000": lambda im, rng: im.convert("L").resize(
        (int(im.size[0] * 1000 / max(im.size)), int(im.size[1] * 1000 / max(im.size))), Image.LANCZOS),
    "stains": stains,
    "cut-edge": cut_edge,
    "tilt-35": lambda im, rng: tilt(im, 35, rng),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("samples")
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--only", default="")
    a = p.parse_args()
    names = [n for n in TRANSFORMS if not a.only or n in a.only.split(",")]
    found = list(pages(a.samples))
    for name in names:
        rng = random.Random(f"{a.seed}-{name}")
        folder = os.path.join(a.out, name)
        os.makedirs(folder, exist_ok=True)
        for image_path, truth_path in found:
            base = os.path.splitext(os.path.basename(image_path))[0]
            im = Image.open(image_path)
            if name == "jpeg-20":
                im.convert("L").save(os.path.join(folder, base + ".jpg"), quality=20)
            else:
                TRANSFORMS[name](im, rng).save(os.path.join(folder, base + ".png"))
            shutil.copy(truth_path, os.path.join(folder, base + ".truth.json"))
        print(f"{name}: {len(found)} pages")


if __name__ == "__main__":
    main()
