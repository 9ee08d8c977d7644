#!/usr/bin/env python3
"""Writes the MNIST *test* split (10,000 digits, for measuring only) as a folder of labelled box
crops, OUT/<label>/<index>.pgm, dark ink on white, enlarged to box size (56 px), so that
`scan-c1 digits eval OUT` measures the readers on it.

With --validation: the last 5,000 digits of the *training* split instead, which no reader trains
on (make_tesseract_lines.py keeps them for its eval lines): for choosing among checkpoints
without looking at the test split.

usage: export_mnist_test.py OUT [--limit N] [--validation]"""
import argparse, os, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digits import load_mnist, resize

ap = argparse.ArgumentParser(); ap.add_argument("out"); ap.add_argument("--limit", type=int, default=10000)
ap.add_argument("--validation", action="store_true")
a = ap.parse_args()
images, labels = load_mnist("train") if a.validation else load_mnist("t10k")
if a.validation:
    images, labels = images[55000:], labels[55000:]
for i in range(min(a.limit, len(images))):
    d = os.path.join(a.out, str(labels[i])); os.makedirs(d, exist_ok=True)
    ink = resize(images[i].astype(float) / 255, 56, 56)
    g = np.clip(255 - ink * 255, 0, 255).astype(np.uint8)
    with open(os.path.join(d, f"{i:05d}.pgm"), "wb") as f:
        f.write(b"P5\n56 56\n255\n" + g.tobytes())
print("wrote", min(a.limit, len(images)), "crops to", a.out)
