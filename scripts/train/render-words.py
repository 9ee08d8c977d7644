#!/usr/bin/env python3
"""Renders lines of Indonesian number words in handwriting fonts, for a future fine-tune of
Tesseract's `ind` model on the words lines of the tally sheets (issue 25). Not run by CI and not
yet used by the reader: it writes the training pairs tesstrain expects, one line image and its
transcript per number,

    OUT/words_000123.png  +  OUT/words_000123.gt.txt   ("seratus dua puluh tiga")

in capitals, lower case or capitalised as officers write them, with the zero forms (`nol`,
`nihil`, `kosong`, `-`) and the split forms (`satu ratus`), drawn from the fonts Debian packages
(fonts-dkg-handwriting, fonts-breip, fonts-bwht, fonts-femkeklaver, fonts-humor-sans, ...;
install them first) and augmented like a phone photo of a form: a slant and a wobble, uneven
spacing, stroke weight, blur, noise, and pieces of the ruled line under the writing. The
transcript is the line as written; the sample pages' real lines (their numbers are in the truth
files) are kept out for measuring.

usage: render-words.py OUT_DIR [--lines 20000] [--seed 1] [--fonts FILE ...]
then, e.g.: make -C tesstrain training MODEL_NAME=ind-words START_MODEL=ind GROUND_TRUTH_DIR=OUT_DIR
"""
import argparse, glob, os, random, subprocess, sys
from PIL import Image, ImageDraw, ImageFilter, ImageFont

PACKAGES = ["fonts-dkg-handwriting", "fonts-breip", "fonts-bwht", "fonts-femkeklaver", "fonts-humor-sans",
            "fonts-sil-andika", "fonts-comic-neue"]
UNITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]


def words(n):
    """The standard spelling, as NumberWords.words in Sources/FormScan/Words."""
    if n == 0:
        return "nol"
    parts, h, rest = [], n // 100, n % 100
    if h == 1:
        parts.append("seratus")
    elif h > 1:
        parts += [UNITS[h], "ratus"]
    if rest >= 20:
        parts += [UNITS[rest // 10], "puluh"] + ([UNITS[rest % 10]] if rest % 10 else [])
    elif rest >= 12:
        parts += [UNITS[rest % 10], "belas"]
    elif rest == 11:
        parts.append("sebelas")
    elif rest == 10:
        parts.append("sepuluh")
    elif rest > 0:
        parts.append(UNITS[rest])
    return " ".join(parts)


def spelling(n, rng):
    if n == 0:
        return rng.choice(["nol", "nihil", "kosong", "-", "nol"])
    s = words(n)
    if rng.random() < 0.1:
        s = s.replace("seratus", "satu ratus").replace("sepuluh", "satu puluh").replace("sebelas", "satu belas")
    return s


def cased(s, rng):
    r = rng.random()
    if r < 0.4:
        return s.upper()
    if r < 0.7:
        return s
    if r < 0.9:
        return s[:1].upper() + s[1:]
    return " ".join(w[:1].upper() + w[1:] for w in s.split(" "))


def font_files(extra):
    files = list(extra)
    for pkg in PACKAGES:
        out = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True).stdout
        files += [f for f in out.split() if f.lower().endswith((".ttf", ".otf"))]
    return sorted(set(f for f in files if os.path.exists(f)))


def render(text, font_path, rng):
    size = rng.randint(28, 44)
    font = ImageFont.truetype(font_path, size)
    # Words spaced unevenly: each word drawn on its own with a random gap.
    pieces = text.split(" ")
    widths = [font.getbbox(p)[2] - font.getbbox(p)[0] for p in pieces]
    gaps = [int(size * rng.uniform(0.2, 1.2)) for _ in pieces]
    w = sum(widths) + sum(gaps) + 40
    h = int(size * 2.2)
    img = Image.new("L", (max(w, 40), h), 255)
    d = ImageDraw.Draw(img)
    x = 20
    ink = rng.randint(0, 90)
    for p, pw, g in zip(pieces, widths, gaps):
        d.text((x, int(size * 0.4) + rng.randint(-3, 3)), p, font=font, fill=ink,
               stroke_width=rng.choice([0, 0, 0, 1]), stroke_fill=ink)
        x += pw + g
    # The ruled line under (or through) the writing, sometimes broken.
    if rng.random() < 0.6:
        y = int(h * rng.uniform(0.75, 0.95))
        x0 = 0
        while x0 < img.width:
            seg = rng.randint(40, 400)
            if rng.random() < 0.8:
                d.line([(x0, y), (x0 + seg, y)], fill=rng.randint(0, 120), width=rng.choice([1, 2]))
            x0 += seg + rng.randint(0, 30)
    img = img.rotate(rng.uniform(-2.5, 2.5), resample=Image.BICUBIC, expand=True, fillcolor=255)
    # Slant.
    k = rng.uniform(-0.25, 0.15)
    img = img.transform((img.width + int(abs(k) * img.height), img.height), Image.AFFINE,
                        (1, k, -k * img.height if k > 0 else 0, 0, 1, 0), resample=Image.BICUBIC, fillcolor=255)
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    if rng.random() < 0.5:
        px = img.load()
        for _ in range(int(img.width * img.height * rng.uniform(0.0005, 0.004))):
            px[rng.randrange(img.width), rng.randrange(img.height)] = rng.randint(0, 160)
    return img


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--lines", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fonts", nargs="*", default=[])
    a = ap.parse_args()
    fonts = font_files(a.fonts)
    if not fonts:
        sys.exit("no handwriting fonts found: apt-get install " + " ".join(PACKAGES) + " (or pass --fonts FILE ...)")
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(a.seed)
    for i in range(a.lines):
        # Counts at a station are mostly small: half the lines under 100.
        n = rng.randint(0, 99) if rng.random() < 0.5 else rng.randint(100, 999)
        text = cased(spelling(n, rng), rng)
        img = render(text, rng.choice(fonts), rng)
        base = os.path.join(a.out, f"words_{i:06d}")
        img.save(base + ".png")
        with open(base + ".gt.txt", "w") as f:
            f.write(text + "\n")
    print(f"wrote {a.lines} lines from {len(fonts)} fonts to {a.out}")


if __name__ == "__main__":
    main()
