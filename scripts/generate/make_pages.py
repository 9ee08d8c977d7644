#!/usr/bin/env python3
"""Deterministic generator of filled 2019 C1-PPWP pages (Lembar 1 and 2 of one station) with
truth files, for `scan-c1 eval`.

Each station gets values that satisfy every hard rule of FORMS.md; every number is written in
its 3 boxes with handwritten digits from the MNIST *test* split (never the training split the
readers learn from), `X` in unused leading boxes, zero as `XXX` or `XX0`. A share of stations
get a deliberate arithmetic error (one digit of one number changed, so a rule fails): their
truth holds the number as written plus `"expect": "review"`. Pages are then captured like a
scan or phone photo: small rotation, perspective, scale, uneven light, blur, noise, JPEG.

usage: make_pages.py OUT --stations N [--seed S] [--errors 0.1] [--capture scan|photo] [--digits test|train]
(`--digits train` writes training pages instead, from the MNIST training split.)
Needs numpy and ImageMagick's `convert` (JPEG encoding, reading the reference images).
"""
import argparse, json, math, os, subprocess, sys, tempfile
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))
from digits import load_mnist, tight, resize, synth_cross, morph, parse_pgm, ROOT  # noqa

TEMPLATES = os.path.join(ROOT, "Templates")


def read_gray(path):
    with tempfile.NamedTemporaryFile(suffix=".pgm") as t:
        subprocess.run(["convert", path, "-strip", "-colorspace", "gray", "-depth", "8", t.name], check=True)
        return parse_pgm(open(t.name, "rb").read()).astype(np.float32)


def station_values(rng):
    v = {}
    for c in ("l", "p"):
        v[f"pemilih_dpt_{c}"] = int(rng.integers(40, 150))
        v[f"pemilih_dptb_{c}"] = 0 if rng.random() < 0.7 else int(rng.integers(1, 6))
        v[f"pemilih_dpk_{c}"] = 0 if rng.random() < 0.6 else int(rng.integers(1, 11))
        for r in ("dpt", "dptb", "dpk"):
            base = v[f"pemilih_{r}_{c}"]
            v[f"pengguna_{r}_{c}"] = int(round(base * rng.uniform(0.6, 0.97))) if r == "dpt" else int(rng.integers(0, base + 1))
        v[f"disabilitas_terdaftar_{c}"] = 0 if rng.random() < 0.7 else int(rng.integers(1, 4))
        v[f"disabilitas_pengguna_{c}"] = int(rng.integers(0, v[f"disabilitas_terdaftar_{c}"] + 1))
    for g in ("pemilih", "pengguna"):
        for c in ("l", "p"):
            v[f"{g}_total_{c}"] = sum(v[f"{g}_{r}_{c}"] for r in ("dpt", "dptb", "dpk"))
    for row in ("pemilih_dpt", "pemilih_dptb", "pemilih_dpk", "pemilih_total", "pengguna_dpt", "pengguna_dptb",
                "pengguna_dpk", "pengguna_total", "disabilitas_terdaftar", "disabilitas_pengguna"):
        v[f"{row}_j"] = v[f"{row}_l"] + v[f"{row}_p"]
    dpt = v["pemilih_dpt_j"]
    v["surat_suara_digunakan"] = v["pengguna_total_j"]
    v["surat_suara_rusak"] = 0 if rng.random() < 0.7 else int(rng.integers(1, 4))
    v["surat_suara_diterima"] = max(dpt + math.ceil(dpt * 0.02), v["surat_suara_digunakan"] + v["surat_suara_rusak"])
    v["surat_suara_tidak_digunakan"] = v["surat_suara_diterima"] - v["surat_suara_rusak"] - v["surat_suara_digunakan"]
    total = v["pengguna_total_j"]
    w = {"suara_total": total, "suara_tidak_sah": int(rng.integers(0, min(6, total + 1)))}
    w["suara_sah"] = total - w["suara_tidak_sah"]
    w["suara_paslon_01"] = int(rng.integers(0, w["suara_sah"] + 1))
    w["suara_paslon_02"] = w["suara_sah"] - w["suara_paslon_01"]
    return v, w


def deliberate_error(rng, values):
    """Change one digit of one non-zero number, keeping it a well-formed 1-3 digit number."""
    ids = [k for k, x in values.items() if 10 <= x <= 999]
    if not ids:
        return None
    k = ids[int(rng.integers(len(ids)))]
    s = list(str(values[k]))
    i = int(rng.integers(len(s)))
    choices = [d for d in "0123456789" if d != s[i] and not (i == 0 and d == "0")]
    s[i] = choices[int(rng.integers(len(choices)))]
    values[k] = int("".join(s))
    return k


class Ink:
    def __init__(self, rng, split="t10k"):
        self.rng = rng
        self.images, self.labels = load_mnist(split)
        self.by_label = {d: np.where(self.labels == d)[0] for d in range(10)}

    def digit(self, d):
        i = int(self.by_label[d][self.rng.integers(len(self.by_label[d]))])
        ink = tight(self.images[i].astype(np.float32) / 255)
        ink = resize(ink, ink.shape[0] * 2, ink.shape[1] * 2)
        return morph(ink, -1) if self.rng.random() < 0.7 else ink

    def cross(self):
        return synth_cross(self.rng)


def draw_number(page, boxes, value, ink, rng, zero_style):
    text = str(value)
    symbols = ["X"] * (3 - len(text)) + list(text)
    if value == 0:
        symbols = ["X", "X", "X"] if zero_style == "XXX" else ["X", "X", "0"]
    for (x, y, w, h), sym in zip(boxes, symbols):
        # Clear the box interior (the reference page is a filled form), keep the printed lines.
        x0, y0, x1, y1 = int(round(x + 3)), int(round(y + 3)), int(round(x + w - 3)), int(round(y + h - 3))
        page[y0:y1, x0:x1] = rng.uniform(242, 252)
        glyph = ink.cross() if sym == "X" else ink.digit(int(sym))
        if glyph is None:
            continue
        iw, ih = x1 - x0, y1 - y0
        target_h = min(ih, 46) * rng.uniform(0.6, 0.85)
        scale = target_h / glyph.shape[0]
        gw = max(1, int(glyph.shape[1] * scale)); gh = max(1, int(glyph.shape[0] * scale))
        if gw > iw - 4:
            scale = (iw - 4) / glyph.shape[1]
            gw, gh = iw - 4, max(1, int(glyph.shape[0] * scale))
        g = resize(glyph, gh, gw)
        ox = x0 + (iw - gw) // 2 + int(rng.integers(-3, 4))
        oy = y0 + (ih - gh) // 2 + int(rng.integers(-3, 4))
        ox = min(max(ox, x0 + 1), x1 - gw - 1); oy = min(max(oy, y0 + 1), y1 - gh - 1)
        pen = rng.uniform(15, 70)
        region = page[oy:oy + gh, ox:ox + gw]
        page[oy:oy + gh, ox:ox + gw] = region * (1 - g) + pen * g


def capture(page, rng, mode):
    """Warp the page like a scanner or a phone would, add light, blur and noise."""
    h, w = page.shape
    if mode == "photo":
        pad = int(0.06 * max(w, h)); ang = rng.uniform(-6, 6); persp = 0.03; scale = rng.uniform(0.85, 1.0)
    else:
        pad = int(0.02 * max(w, h)); ang = rng.uniform(-1.5, 1.5); persp = 0.004; scale = rng.uniform(0.96, 1.04)
    W, H = w + 2 * pad, h + 2 * pad
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    c = np.array([W / 2, H / 2]); a = math.radians(ang)
    R = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    dst = np.array([c + R @ ((p - [w / 2, h / 2]) * scale) for p in src])
    dst += rng.uniform(-persp, persp, dst.shape) * np.array([w, h])
    # homography dst -> src (inverse mapping)
    A, b = [], []
    for (x, y), (u, v) in zip(dst, src):
        A.append([x, y, 1, 0, 0, 0, -u * x, -u * y]); b.append(u)
        A.append([0, 0, 0, x, y, 1, -v * x, -v * y]); b.append(v)
    m = np.linalg.solve(np.array(A), np.array(b))
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
    den = m[6] * xx + m[7] * yy + 1
    sx = (m[0] * xx + m[1] * yy + m[2]) / den; sy = (m[3] * xx + m[4] * yy + m[5]) / den
    inside = (sx >= 0) & (sy >= 0) & (sx < w - 1) & (sy < h - 1)
    x0 = np.clip(np.floor(sx).astype(int), 0, w - 2); y0 = np.clip(np.floor(sy).astype(int), 0, h - 2)
    fx = np.clip(sx - x0, 0, 1); fy = np.clip(sy - y0, 0, 1)
    out = (page[y0, x0] * (1 - fx) + page[y0, x0 + 1] * fx) * (1 - fy) + (page[y0 + 1, x0] * (1 - fx) + page[y0 + 1, x0 + 1] * fx) * fy
    background = rng.uniform(90, 200) if mode == "photo" else 255.0
    out = np.where(inside, out, background)
    # uneven light: a smooth gradient
    gx, gy = rng.uniform(-0.15, 0.15, 2) * (1 if mode == "photo" else 0.3)
    light = 1 + gx * (xx / W - 0.5) + gy * (yy / H - 0.5)
    out = out * light
    if rng.random() < 0.5:
        k = np.array([0.25, 0.5, 0.25])
        out = (out[:, :-2] * k[0] + out[:, 1:-1] * k[1] + out[:, 2:] * k[2])
        out = (out[:-2] * k[0] + out[1:-1] * k[1] + out[2:] * k[2])
    out += rng.normal(0, 3 if mode == "scan" else 6, out.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def write_jpeg(path, gray, quality):
    with tempfile.NamedTemporaryFile(suffix=".pgm") as t:
        h, w = gray.shape
        t.write(f"P5\n{w} {h}\n255\n".encode() + gray.tobytes()); t.flush()
        subprocess.run(["convert", t.name, "-quality", str(quality), path], check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out"); ap.add_argument("--stations", type=int, default=10)
    ap.add_argument("--seed", type=int, default=2019); ap.add_argument("--errors", type=float, default=0.1)
    ap.add_argument("--capture", choices=["scan", "photo"], default="scan")
    ap.add_argument("--digits", choices=["test", "train"], default="test",
                    help="MNIST split the handwriting comes from: test for evaluation corpora, train for "
                         "training data (pages whose boxes, exported with `scan-c1 digits export`, went "
                         "through capture and box cleaning as at inference)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    ink = Ink(rng, "t10k" if a.digits == "test" else "train")
    pages = {}
    for n in (1, 2):
        t = json.load(open(os.path.join(TEMPLATES, f"c1-ppwp-2019-lembar{n}.json")))
        pages[n] = (t, read_gray(os.path.join(TEMPLATES, t["referenceImage"])))
    for s in range(a.stations):
        v1, v2 = station_values(rng)
        wrong = None
        if rng.random() < a.errors:
            wrong = deliberate_error(rng, v1 if rng.random() < 0.7 else v2)
        zero_style = "XXX" if rng.random() < 0.6 else "XX0"
        for n, values in ((1, v1), (2, v2)):
            t, ref = pages[n]
            page = ref.copy()
            for f in t["fields"]:
                draw_number(page, f["boxes"], values[f["id"]], ink, rng, zero_style)
            img = capture(page, rng, a.capture)
            name = f"gen{a.seed}-{s:04d}-lembar{n}"
            write_jpeg(os.path.join(a.out, name + ".jpg"), img, int(rng.integers(60, 92)))
            truth = {"template": t["id"], "fields": {f["id"]: values[f["id"]] for f in t["fields"]}}
            if wrong is not None and wrong in truth["fields"]:
                # Only the page carrying the wrong number must go to review.
                truth["expect"] = "review"
                truth["deliberateError"] = wrong
            json.dump(truth, open(os.path.join(a.out, name + ".truth.json"), "w"), indent=1)
        print(f"station {s + 1}/{a.stations}" + (f" (deliberate error in {wrong})" if wrong else ""), flush=True)


if __name__ == "__main__":
    main()
