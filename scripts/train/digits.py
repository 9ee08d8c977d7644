"""Shared helpers for the training scripts: MNIST loading, the box-crop normalisation that
FormScan/DigitReader apply at run time, synthetic X / - / seven-segment marks, augmentation,
and a dependency-free PNG writer. numpy only."""
import gzip, os, struct, zlib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SHARED = os.environ.get("SCAN_C1_SHARED", os.path.join(ROOT, "..", "shared"))
MNIST = os.path.join(SHARED, "data", "mnist")
CLASSES = [str(d) for d in range(10)] + ["X", "-"]


def load_mnist(split):
    """split 'train' (60,000) or 't10k' (10,000; for measuring only). Ink is 255 on 0."""
    with gzip.open(os.path.join(MNIST, f"{split}-images.idx3-ubyte.gz")) as f:
        _, n, h, w = struct.unpack(">IIII", f.read(16))
        images = np.frombuffer(f.read(), dtype=np.uint8).reshape(n, h, w)
    with gzip.open(os.path.join(MNIST, f"{split}-labels.idx1-ubyte.gz")) as f:
        f.read(8)
        labels = np.frombuffer(f.read(), dtype=np.uint8)
    return images, labels


def parse_pgm(data):
    """A binary PGM (P5) as a uint8 array (header comments, such as the exporter's `# box WxH`, skipped)."""
    tokens, i = [], 0
    while len(tokens) < 4:
        while data[i:i + 1].isspace(): i += 1
        if data[i:i + 1] == b"#":
            while data[i:i + 1] != b"\n": i += 1
            continue
        j = i
        while not data[j:j + 1].isspace(): j += 1
        tokens.append(data[i:j]); i = j
    w, h = int(tokens[1]), int(tokens[2])
    return np.frombuffer(data[i + 1:i + 1 + w * h], dtype=np.uint8).reshape(h, w)


def write_png(path, gray):
    """8-bit grayscale PNG."""
    h, w = gray.shape
    raw = b"".join(b"\x00" + gray[y].astype(np.uint8).tobytes() for y in range(h))
    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def resize(img, h, w):
    """Area/bilinear resize of a float image (0 paper .. 1 ink)."""
    H, W = img.shape
    if h <= 0 or w <= 0:
        return np.zeros((max(h, 1), max(w, 1)))
    ys = (np.arange(h) + 0.5) * H / h - 0.5
    xs = (np.arange(w) + 0.5) * W / w - 0.5
    if H > 2 * h or W > 2 * w:  # pre-blur when shrinking a lot
        k = max(1, int(min(H / h, W / w) / 2))
        pad = np.pad(img, k, mode="edge")
        acc = np.zeros_like(img)
        for dy in range(-k, k + 1):
            for dx in range(-k, k + 1):
                acc += pad[k + dy:k + dy + H, k + dx:k + dx + W]
        img = acc / (2 * k + 1) ** 2
    y0 = np.clip(np.floor(ys).astype(int), 0, H - 1); y1 = np.clip(y0 + 1, 0, H - 1)
    x0 = np.clip(np.floor(xs).astype(int), 0, W - 1); x1 = np.clip(x0 + 1, 0, W - 1)
    fy = np.clip(ys - y0, 0, 1)[:, None]; fx = np.clip(xs - x0, 0, 1)[None, :]
    a = img[y0][:, x0]; b = img[y0][:, x1]; c = img[y1][:, x0]; d = img[y1][:, x1]
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy


def tight(ink, level=0.15):
    """Crop to the ink's bounding box (ink as 0..1)."""
    ys, xs = np.where(ink > level)
    if len(ys) == 0:
        return None
    return ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def tesseract_box(ink, height=36):
    """What TesseractDigitReader.prepare does before padding: the ink scaled so that
    max(height, width / 1.2) is `height`. Returns ink 0..1."""
    h, w = ink.shape
    scale = height / max(h, w / 1.2)
    return resize(ink, max(1, round(h * scale)), max(1, round(w * scale)))


def normalized28(ink):
    """BoxCrop.normalized(): ink scaled to fit 20x20, centred by mass in 28x28 (MNIST style)."""
    h, w = ink.shape
    s = 20.0 / max(h, w)
    nh, nw = max(1, round(h * s)), max(1, round(w * s))
    small = resize(ink, nh, nw)
    out = np.zeros((28, 28))
    m = small.sum()
    if m <= 0:
        return out
    cy = (small.sum(1) * np.arange(nh)).sum() / m
    cx = (small.sum(0) * np.arange(nw)).sum() / m
    oy = int(round(14 - cy)); ox = int(round(14 - cx))
    oy = min(max(oy, 0), 28 - nh); ox = min(max(ox, 0), 28 - nw)
    out[oy:oy + nh, ox:ox + nw] = small
    return out


# ---------------------------------------------------------------- drawing strokes
def draw_polyline(canvas, pts, width):
    """Anti-aliased thick polyline onto a float canvas (ink 0..1)."""
    H, W = canvas.shape
    yy, xx = np.mgrid[0:H, 0:W]
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
        dx, dy = x1 - x0, y1 - y0
        L2 = dx * dx + dy * dy + 1e-9
        t = np.clip(((xx - x0) * dx + (yy - y0) * dy) / L2, 0, 1)
        d = np.hypot(xx - (x0 + t * dx), yy - (y0 + t * dy))
        canvas[:] = np.maximum(canvas, np.clip(width / 2 + 0.5 - d, 0, 1))
    return canvas


def curve(rng, p0, p1, bend, n=8):
    """A slightly bent stroke from p0 to p1."""
    (x0, y0), (x1, y1) = p0, p1
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    nx, ny = -(y1 - y0), (x1 - x0)
    L = np.hypot(nx, ny) + 1e-9
    b = rng.uniform(-bend, bend)
    cx, cy = mx + nx / L * b, my + ny / L * b
    ts = np.linspace(0, 1, n)
    return [((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t * t * x1, (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t * t * y1) for t in ts]


def synth_cross(rng):
    """An X as officers draw it: two strokes, often uneven, sometimes one arm longer."""
    S = 48
    c = np.zeros((S, S))
    w = rng.uniform(1.6, 3.6)
    a = rng.uniform(4, 14); b = rng.uniform(4, 14)
    p = [(rng.uniform(2, 14), rng.uniform(2, 14)), (rng.uniform(34, 46), rng.uniform(34, 46)),
         (rng.uniform(34, 46), rng.uniform(2, 14)), (rng.uniform(2, 14), rng.uniform(34, 46))]
    if rng.random() < 0.3:  # flatter, wide X
        p = [(x, 12 + (y - 24) * 0.5 + 12) for x, y in p]
    draw_polyline(c, curve(rng, p[0], p[1], 5), w)
    draw_polyline(c, curve(rng, p[2], p[3], 5), w)
    return tight(c)


def synth_spanning_cross_part(rng):
    """One box of an X drawn large across two or three boxes (some officers fill 'XX5' that
    way): the box holds a chevron or the crossing, cut off at the box edges."""
    S = 48
    k = int(rng.choice([2, 2, 3]))
    W = S * k
    c = np.zeros((S, W))
    w = rng.uniform(1.6, 3.6)
    p = [(rng.uniform(2, 16), rng.uniform(2, 12)), (W - rng.uniform(2, 16), S - rng.uniform(2, 12)),
         (W - rng.uniform(2, 16), rng.uniform(2, 12)), (rng.uniform(2, 16), S - rng.uniform(2, 12))]
    draw_polyline(c, curve(rng, p[0], p[1], 5), w)
    draw_polyline(c, curve(rng, p[2], p[3], 5), w)
    j = int(rng.integers(k))
    m = int(rng.uniform(3, 7))  # the cut leaves a few pixels of margin inside the box frame
    part = c[:, j * S + m:(j + 1) * S - m]
    if part.sum() < 40:
        return None
    return tight(part)


def synth_dash(rng, varied=False):
    """A dash across the middle of a 48 px box. `varied`: also short dashes (down to a sixth of
    the box, as on the 2019 DPR plano sheets: 10-12 px in a 35 px box) and slanted ones (up to
    about 20 degrees), which the box-scale normalisation turns into thick bars."""
    S = 48
    c = np.zeros((S, S))
    y = rng.uniform(18, 30)
    if varied and rng.random() < 0.5:
        length = rng.uniform(8, 24)
        x0 = rng.uniform(4, S - 4 - length)
        rise = length * rng.uniform(-0.35, 0.35)
        draw_polyline(c, curve(rng, (x0, y), (x0 + length, y + rise), 2), rng.uniform(1.6, 4.0))
        return tight(c)
    draw_polyline(c, curve(rng, (rng.uniform(4, 16), y), (rng.uniform(30, 44), y + rng.uniform(-4, 4)), 2), rng.uniform(1.6, 3.6))
    return tight(c)


def add_bar(ink, rng, at, half=(0.2, 0.35)):
    """A short, nearly horizontal stroke across a digit's ink at relative height `at`, centred on
    the ink of that row and as thick as it: the bar many Indonesian officers put across a 7
    (at ~0.55) or the foot under a 1 (at ~0.95). None when that row has no ink."""
    h, w = ink.shape
    pad = int(h * 0.4) + 2
    c = np.pad(ink, pad)
    r = pad + min(h - 1, int(h * at))
    cols = np.nonzero(c[r] > 0.4)[0]
    if len(cols) == 0:
        return None
    runs = np.split(cols, np.nonzero(np.diff(cols) > 1)[0] + 1)
    run = max(runs, key=len)
    width = float(np.clip(len(run) * rng.uniform(0.55, 0.9), 1.6, 5.0))
    cx = run.mean()
    L = h * rng.uniform(*half)
    lean = rng.uniform(-0.15, 0.1) * L
    left, right = L * rng.uniform(0.7, 1.3), L * rng.uniform(0.7, 1.3)
    draw_polyline(c, [(cx - left, r - lean), (cx + right, r + lean)], width)
    return tight(c)


# seven-segment digits: segments a..g as point pairs on a 2x4 dot grid
SEG = {"a": ((0, 0), (1, 0)), "b": ((1, 0), (1, 1)), "c": ((1, 1), (1, 2)), "d": ((0, 2), (1, 2)),
       "e": ((0, 1), (0, 2)), "f": ((0, 0), (0, 1)), "g": ((0, 1), (1, 1))}
DIGIT_SEGS = {0: "abcdef", 1: "bc", 2: "abged", 3: "abgcd", 4: "fgbc", 5: "afgcd", 6: "afgedc", 7: "abc", 8: "abcdefg", 9: "abcdfg"}


def synth_seven_segment(rng, digit):
    """A 'digital' digit drawn by joining printed dots (2024 instruction)."""
    c = np.zeros((56, 40))
    w = rng.uniform(1.8, 3.6)
    ox, oy, sx, sy = rng.uniform(6, 10), rng.uniform(5, 8), rng.uniform(20, 26), rng.uniform(20, 23)
    jit = lambda: rng.uniform(-1.5, 1.5)
    for s in DIGIT_SEGS[digit]:
        (x0, y0), (x1, y1) = SEG[s]
        draw_polyline(c, [(ox + x0 * sx + jit(), oy + y0 * sy + jit()), (ox + x1 * sx + jit(), oy + y1 * sy + jit())], w)
    return tight(c)


# ---------------------------------------------------------------- augmentation
def morph(ink, r):
    """Grey dilation (r > 0) or erosion (r < 0) by 1 pixel, r times."""
    out = ink
    for _ in range(abs(r)):
        p = np.pad(out, 1)
        stack = [p[1 + dy:1 + dy + out.shape[0], 1 + dx:1 + dx + out.shape[1]] for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        out = np.max(stack, 0) if r > 0 else np.min(stack, 0)
    return out


def affine(ink, rng, shear=0.3, rot=0.15, scale=(0.85, 1.15)):
    """Random slant, rotation and aspect change."""
    H, W = ink.shape
    S = int(max(H, W) * 1.6) + 4
    src = np.zeros((S, S)); oy, ox = (S - H) // 2, (S - W) // 2
    src[oy:oy + H, ox:ox + W] = ink
    th = rng.uniform(-rot, rot); sh = rng.uniform(-shear, shear)
    sx = rng.uniform(*scale); sy = rng.uniform(*scale)
    A = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]]) @ np.array([[1, sh], [0, 1]]) @ np.diag([sx, sy])
    Ai = np.linalg.inv(A)
    yy, xx = np.mgrid[0:S, 0:S].astype(float)
    c = (S - 1) / 2
    X = Ai[0, 0] * (xx - c) + Ai[0, 1] * (yy - c) + c
    Y = Ai[1, 0] * (xx - c) + Ai[1, 1] * (yy - c) + c
    x0 = np.floor(X).astype(int); y0 = np.floor(Y).astype(int)
    fx = X - x0; fy = Y - y0
    def at(y, x):
        ok = (y >= 0) & (y < S) & (x >= 0) & (x < S)
        return np.where(ok, src[np.clip(y, 0, S - 1), np.clip(x, 0, S - 1)], 0)
    out = (at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx) * (1 - fy) + (at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx) * fy
    return tight(out)


def elastic(ink, rng, alpha=2.0, sigma=3.0):
    H, W = ink.shape
    def smooth(f):
        k = int(sigma * 2) | 1
        for axis in (0, 1):
            f = np.apply_along_axis(lambda v: np.convolve(v, np.ones(k) / k, mode="same"), axis, f)
        return f
    dx = smooth(rng.uniform(-1, 1, (H, W))) * alpha * 3
    dy = smooth(rng.uniform(-1, 1, (H, W))) * alpha * 3
    yy, xx = np.mgrid[0:H, 0:W]
    X = np.clip(np.round(xx + dx).astype(int), 0, W - 1); Y = np.clip(np.round(yy + dy).astype(int), 0, H - 1)
    return ink[Y, X]


def augment(ink, rng, strength=1.0):
    """Slant/rotate/scale, stroke width, faint ink, blur, a line remnant: the run-time look."""
    if rng.random() < 0.8 * strength:
        ink = affine(ink, rng) if ink is not None else None
    if ink is None:
        return None
    if rng.random() < 0.3 * strength and min(ink.shape) > 8:
        ink = elastic(ink, rng)
    r = rng.random()
    scale_up = 36 / max(ink.shape[0], ink.shape[1] / 1.2)
    if r < 0.2 * strength:
        ink = morph(ink, -1) if ink.max() > 0 and scale_up < 1.6 else ink
    elif r < 0.3 * strength:
        ink = morph(ink, 1)
    if rng.random() < 0.25 * strength:
        ink = ink * rng.uniform(0.55, 0.9)  # faint pen
    t = tight(ink, 0.1)
    return t
