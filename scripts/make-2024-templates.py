#!/usr/bin/env python3
"""Writes Templates/c-hasil-ppwp-2024-hal{2,3}.json from the blank reference pages.

The reference pages are KawalPemilu's blank C.Hasil-PPWP 2024 pages 2 and 3 (MIT licence; see
Templates/LICENSE-MIT-kawalc1.txt). Registration lines are measured here from the image (dark
runs of 60 px or more, merged across their thickness); the digit boxes are the printed squares
found near the places the bot's layout gives; the 2024 bubbles (page 2) are the ten circles
under each box, found by their ring of ink. Run from the repository root:
    python3 scripts/make-2024-templates.py ../shared/samples/kawalc1/2024-reference-and-templates
"""
import json, os, shutil, subprocess, sys
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "train"))
from digits import parse_pgm  # noqa: E402

OUT = os.path.join("Sources", "FormScan", "Templates")


def load(path):
    pgm = subprocess.run(["convert", path, "-colorspace", "gray", "pgm:-"], check=True, capture_output=True).stdout
    return parse_pgm(pgm).astype(np.int32)


def runs(mask, minlen):
    """Dark runs along rows: (row, start, end) with end exclusive."""
    out = []
    for i, row in enumerate(mask):
        d = np.diff(np.concatenate([[0], row.astype(np.int8), [0]]))
        for x0, x1 in zip(np.where(d == 1)[0], np.where(d == -1)[0]):
            if x1 - x0 >= minlen:
                out.append((i, int(x0), int(x1)))
    return out


def lines(ink, minlen, horizontal):
    """Ruled lines as [position, start, end]: runs on neighbouring rows with the same extent merged."""
    groups = []
    for i, x0, x1 in runs(ink if horizontal else ink.T, minlen):
        for g in groups:
            if i - g[1] <= 1 and abs(x0 - g[2]) < 15 and abs(x1 - g[3]) < 15:
                g[1] = i
                g[2], g[3] = min(g[2], x0), max(g[3], x1)
                break
        else:
            groups.append([i, i, x0, x1])
    return [[(g[0] + g[1]) / 2, g[2], g[3] - 1] for g in groups]


def clustered(found, gap=4, thickest=None):
    """Runs (row, start, end) grouped by rows within `gap` of each other and overlapping:
    [mean row, start, end] per group; groups spanning more than `thickest` rows (a printed
    grey band, not a rule) left out when it is given."""
    groups = []
    for i, a, b in sorted(found):
        for g in groups:
            if i - g[1] <= gap and a < g[3] and b > g[2]:
                g[1] = i; g[2] = min(g[2], a); g[3] = max(g[3], b); g[4].append(i)
                break
        else:
            groups.append([i, i, a, b, [i]])
    return [[round(sum(g[4]) / len(g[4]), 1), g[2], g[3] - 1] for g in groups
            if g[3] - g[2] >= 250 and (thickest is None or g[1] - g[0] + 1 <= thickest)]


def keep(x, y, exclude):
    """A point outside every excluded rectangle (x0, y0, x1, y1) of the template."""
    return all(not (x0 <= x <= x1 and y0 <= y <= y1) for x0, y0, x1, y1 in exclude)


def boxes_near(hl, vl, row_y, xs):
    """The printed squares of one number: top and bottom lines near row_y, left/right near xs."""
    def near(cands, target, tol=8):
        best = min(cands, key=lambda c: abs(c - target))
        assert abs(best - target) <= tol, (best, target)
        return best
    tops = [l[0] for l in hl if 35 <= l[2] - l[1] <= 60]
    vpos = [l[0] for l in vl if 35 <= l[2] - l[1] <= 60]
    y0 = near(tops, row_y[0])
    y1 = near(tops, row_y[1])
    out = []
    for x0, x1 in xs:
        a, b = near(vpos, x0), near(vpos, x1)
        out.append([a, y0, round(b - a, 1), round(y1 - y0, 1)])
    return out


def marks(img):
    """The stepped corner marks (two squares touching at a corner) as their boxes [x, y, w, h]."""
    h, w = img.shape
    out = []
    for cx, cy in ((0, 0), (w - 90, 0), (0, h - 90), (w - 90, h - 90)):
        c = img[cy:cy + 90, cx:cx + 90] < 100
        ys, xs = np.nonzero(c)
        x0, y0, x1, y1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
        out.append([cx + int(x0), cy + int(y0), int(x1 - x0), int(y1 - y0)])
    return out


def bubbles(img, box, rows=10):
    """Centres of the 0–9 circles under a digit box: the column under the box centre, found by
    their rings (a dark circle of radius ~7 around a light centre)."""
    x, y, w, h = box
    cx = x + w / 2
    found = []
    start = y + h + 8
    prof = (img[:, int(cx) - 9:int(cx) + 10] < 140).sum(axis=1)
    # Rings: rows where the column holds ink; group them into ten circles.
    inside = [i for i in range(int(start), int(start) + 260) if prof[i] > 0]
    groups = []
    for i in inside:
        if groups and i - groups[-1][-1] <= 2:
            groups[-1].append(i)
        else:
            groups.append([i])
    groups = [g for g in groups if len(g) >= 10][:rows]
    assert len(groups) == rows, (box, [len(g) for g in groups])
    for g in groups:
        found.append([round(cx, 1), round((g[0] + g[-1]) / 2, 1)])
    return found


def write(tpl, ref_src):
    shutil.copyfile(ref_src, os.path.join(OUT, tpl["referenceImage"]))
    with open(os.path.join(OUT, tpl["id"] + ".json"), "w") as f:
        json.dump(tpl, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("wrote", tpl["id"], len(tpl["fields"]), "fields,", len(tpl["lines"]["horizontal"]), "+",
          len(tpl["lines"]["vertical"]), "lines,", len(tpl["rules"]), "rules")


def page(src_dir, name, tid, title, code, exclude, numbers, rules, station_rules, with_bubbles, source=None, words=None):
    ref = os.path.join(src_dir, name)
    img = load(ref)
    h, w = img.shape
    ink = img < 128
    hl = lines(ink, 30, True)
    vl = lines(ink, 30, False)
    if source:
        # A reference set straight from a photo: its rules are soft and slightly bent, so take
        # only long rules (250 px or more at a lighter cut), each as one line across the rows it
        # spans.
        long_h = clustered(runs(img < 170, 250))
        long_v = clustered(runs((img < 170).T, 250))
    else:
        long_h = hl
        long_v = vl
    long_h = [l for l in long_h if l[2] - l[1] >= 60 and keep((l[1] + l[2]) / 2, l[0], exclude)]
    long_v = [l for l in long_v if l[2] - l[1] >= 60 and keep(l[0], (l[1] + l[2]) / 2, exclude)]
    fields = []
    for fid, label, row_y, xs in numbers:
        exact = [[x0, row_y[0], round(x1 - x0, 1), round(row_y[1] - row_y[0], 1)] for x0, x1 in xs]
        f = {"id": fid, "label": label, "boxes": exact if source else boxes_near(hl, vl, row_y, xs)}
        if with_bubbles:
            f["bubbles"] = [bubbles(img, b) for b in f["boxes"]]
        if words and fid in words:
            f["words"] = words[fid]
        fields.append(f)
    # The boxes' own sides register the digits best: add them as lines.
    for f in fields:
        for x, y, bw, bh in f["boxes"]:
            long_h += [[y, x, x + bw], [y + bh, x, x + bw]]
            long_v += [[x, y, y + bh], [x + bw, y, y + bh]]
    tpl = {
        "id": tid, "title": title, "pageCode": code, "aprilTag": 100 + int(tid[-1]),
        "referenceImage": tid + ".png",
        "referenceSource": source or ("KawalPemilu (kawalc1, MIT licence): blank reference page " + name),
        "width": w, "height": h, "marks": marks(img), "markFill": 0.5,
        **({"bubbleRadius": 7.0} if with_bubbles else {}),
        "lines": {"horizontal": [[float(a), float(b), float(c)] for a, b, c in long_h],
                  "vertical": [[float(a), float(b), float(c)] for a, b, c in long_v]},
        "fields": fields, "rules": rules, "stationRules": station_rules,
    }
    write(tpl, ref)


def rectified_page1(photo, out):
    """Page 1 has no blank reference: the phone photo of it (kawalc1 2024-ppwp-photos), set
    straight on its four stepped corner marks (centres measured on the photo) into the frame of
    page 2's reference, where page 2 has its marks, and levelled."""
    photo_marks = [(192.5, 363.5), (2512.5, 282), (389, 3359), (2215.5, 3688)]
    page_marks = [(62.5, 52), (1149.5, 52), (62.5, 1718), (1149.5, 1718)]
    points = " ".join(f"{a},{b} {c},{d}" for (a, b), (c, d) in zip(photo_marks, page_marks))
    subprocess.run(["convert", photo, "-colorspace", "gray", "-virtual-pixel", "white", "-distort", "Perspective", points,
                    "-crop", "1192x1760+0+0", "+repage", "-level", "25%,80%",
                    "-define", "png:exclude-chunks=date,time", out], check=True)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "../shared/samples/kawalc1/2024-reference-and-templates"
    photos = os.path.join(os.path.dirname(os.path.abspath(src)), "2024-ppwp-photos")
    hal1 = "c-hasil-ppwp-2024-hal1"
    # Page 1: voters, ballots, voters with disabilities (FORMS.md). Box columns L, P, J.
    import tempfile
    tmp = tempfile.mkdtemp()
    rectified_page1(os.path.join(photos, "pilpres-2024-hal1.jpg"), os.path.join(tmp, "PPWP-2024-hal1-photo.png"))
    L = [(621.5, 660), (671, 710), (720.5, 759)]
    P = [(782.5, 821), (832, 872), (881.5, 920.5)]
    J = [(944.5, 983.5), (994.5, 1033.5), (1044.5, 1084)]
    col = {"l": ("Laki-laki (L)", L), "p": ("Perempuan (P)", P), "j": ("Jumlah (L+P)", J)}
    rows = [("pemilih_dpt", "I.A.1 Jumlah pemilih dalam Daftar Pemilih Tetap (DPT)", (714, 752.5)),
            ("pengguna_dpt", "I.B.1 Jumlah pengguna hak pilih dalam DPT", (803, 840.5)),
            ("pengguna_dptb", "I.B.2 Jumlah pengguna hak pilih dalam Daftar Pemilih Tambahan (DPTb)", (849, 888)),
            ("pengguna_dpk", "I.B.3 Jumlah pengguna hak pilih dalam Daftar Pemilih Khusus (DPK)", (897, 935)),
            ("pengguna_total", "I.B.4 Jumlah pengguna hak pilih (B.1 + B.2 + B.3)", (944, 983)),
            ("disabilitas_pengguna", "III.1 Jumlah seluruh pemilih disabilitas yang menggunakan hak pilih", (1386, 1422))]
    numbers1 = []
    for rid, label, ys in rows:
        for c, (clabel, xs) in col.items():
            numbers1.append((f"{rid}_{c}", f"{label}, {clabel}", ys, xs))
    for fid, label, ys in [("surat_suara_diterima", "II.1 Jumlah surat suara yang diterima, termasuk surat suara cadangan 2% dari DPT", (1096, 1134.5)),
                           ("surat_suara_rusak", "II.2 Jumlah surat suara yang dikembalikan oleh pemilih karena rusak/keliru coblos", (1143.5, 1183)),
                           ("surat_suara_tidak_digunakan", "II.3 Jumlah surat suara yang tidak digunakan/tidak terpakai, termasuk sisa surat suara cadangan", (1192.5, 1231)),
                           ("surat_suara_digunakan", "II.4 Jumlah surat suara yang digunakan", (1241, 1278.5))]:
        numbers1.append((fid, label, ys, J))
    rules1 = [{"rule": f"{r}_j = {r}_l + {r}_p", "label": f"{lab.split(' ')[0]} J = L + P"} for r, lab, _ in rows]
    rules1 += [{"rule": f"pengguna_total_{c} = pengguna_dpt_{c} + pengguna_dptb_{c} + pengguna_dpk_{c}",
                "label": f"I.B.4 = B.1 + B.2 + B.3 ({c.upper()})"} for c in "lpj"]
    rules1 += [{"rule": "surat_suara_diterima = surat_suara_rusak + surat_suara_tidak_digunakan + surat_suara_digunakan",
                "label": "II.1 = II.2 + II.3 + II.4"},
               {"rule": "surat_suara_digunakan = pengguna_total_j", "label": "II.4 = I.B.4 J"}]
    rules1 += [{"rule": f"pengguna_dpt_{c} <= pemilih_dpt_{c}", "label": f"I.B.1 ≤ I.A.1 ({c.upper()})"} for c in "lpj"]
    rules1 += [{"rule": f"disabilitas_pengguna_{c} <= pengguna_total_{c}", "label": f"III.1 ≤ I.B.4 ({c.upper()})"} for c in "lpj"]
    rules1 += [{"rule": "surat_suara_diterima = pemilih_dpt_j + ceil(2% * pemilih_dpt_j)",
                "label": "II.1 = I.A.1 J + 2% cadangan", "soft": True},
               {"rule": "pemilih_dpt_j <= 300", "label": "DPT ≤ 300", "soft": True}]
    page(tmp, "PPWP-2024-hal1-photo.png", hal1,
         "Model C.Hasil-PPWP 2024, Halaman 1: data pemilih, penggunaan surat suara, pemilih disabilitas",
         "C.HASIL-PPWP hal. 1",
         exclude=[(990, 60, 1192, 215), (0, 0, 1192, 560), (0, 1700, 1192, 1760), (0, 0, 40, 1760), (1150, 0, 1192, 1760)],  # AprilTag; wording; photo edges
         numbers=numbers1, rules=rules1,
         station_rules=[{"rule": "[c-hasil-ppwp-2024-hal3].suara_total = pengguna_total_j",
                         "label": "V.C (hal. 3) = I.B.4 J (hal. 1)"}],
         with_bubbles=False,
         source="A phone photo of a blank page 1 shown on a monitor (KawalPemilu kawalc1, MIT licence: "
                "2024-ppwp-photos/pilpres-2024-hal1.jpg), set straight on its corner marks by scripts/make-2024-templates.py")
    hal2 = "c-hasil-ppwp-2024-hal2"
    hal3 = "c-hasil-ppwp-2024-hal3"
    # Page 2: three numbers (one per candidate pair), boxes at the right of each section.
    xs2 = [(938.5, 981.5), (989, 1032.5), (1040, 1082.5)]
    # Where each number is written in words, "(ditulis menggunakan huruf kapital)": the lower
    # part of its section, from the section's left rule (x 118) to the bubble instructions
    # (x 730), between the rule under the tally grid and the printed caption (measured on the
    # reference's rules: y 449 / 762 / 1074).
    words2 = {"suara_paslon_01": [120, 452, 610, 100], "suara_paslon_02": [120, 765, 610, 100],
              "suara_paslon_03": [120, 1077, 610, 100]}
    page(src, "PPWP-2024-hal2-plano.png", hal2,
         "Model C.Hasil-PPWP 2024, Halaman 2: rincian perolehan suara pasangan calon",
         "C.HASIL-PPWP hal. 2",
         exclude=[(990, 60, 1192, 215)],  # AprilTag and the page-code box
         numbers=[("suara_paslon_01", "IV.1 Pasangan calon 1: jumlah suara sah", (297.5, 338.5), xs2),
                  ("suara_paslon_02", "IV.2 Pasangan calon 2: jumlah suara sah", (610.5, 651.5), xs2),
                  ("suara_paslon_03", "IV.3 Pasangan calon 3: jumlah suara sah", (923, 964), xs2)],
         words=words2,
         rules=[{"rule": "suara_paslon_01 + suara_paslon_02 + suara_paslon_03 <= 300",
                 "label": "IV.1 + IV.2 + IV.3 ≤ 300 (pemilih per TPS)", "soft": True}],
         station_rules=[
             {"rule": f"[{hal3}].suara_sah = suara_paslon_01 + suara_paslon_02 + suara_paslon_03",
              "label": "V.A (hal. 3) = IV.1 + IV.2 + IV.3 (hal. 2)"}],
         with_bubbles=True)
    xs3 = [(1017, 1067), (1074, 1125), (1130, 1181)]
    # V.A and V.C: the row between the label column (x 353) and the boxes' column (x 1005),
    # left of the caption; V.B: under its boxes, down to its caption (14 px above the row's
    # bottom rule, y 551).
    words3 = {"suara_sah": [355, 244, 495, 80], "suara_tidak_sah": [1007, 474, 183, 62],
              "suara_total": [355, 583, 495, 80]}
    page(src, "PPWP-2024-hal3-plano.png", hal3,
         "Model C.Hasil-PPWP 2024, Halaman 3: data suara sah dan suara tidak sah",
         "C.HASIL-PPWP hal. 3",
         exclude=[(1080, 40, 1292, 215)],
         numbers=[("suara_sah", "V.A Jumlah seluruh suara sah (IV.1 + IV.2 + IV.3)", (260.5, 307), xs3),
                  ("suara_tidak_sah", "V.B Jumlah suara tidak sah", (426, 472), xs3),
                  ("suara_total", "V.C Jumlah seluruh suara sah dan suara tidak sah (V.A + V.B)", (599.5, 646), xs3)],
         words=words3,
         rules=[{"rule": "suara_total = suara_sah + suara_tidak_sah", "label": "V.C = V.A + V.B"},
                {"rule": "suara_total <= 300", "label": "V.C ≤ 300 (pemilih per TPS)", "soft": True}],
         station_rules=[],
         with_bubbles=False)


if __name__ == "__main__":
    main()
