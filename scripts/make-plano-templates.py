#!/usr/bin/env python3
"""Writes the 2019 plano-sheet templates:
- Templates/c1-plano-ppwp-2019.json from KawalPemilu's reference of the 2019 presidential plano
  sheet (C1.Plano-PPWP, Lembar 2: the votes). Ruled lines are measured on the image (dark runs
  of 60 px or more); the digit boxes of the JUMLAH column were read off the same line
  measurements (x 1335 / 1399 / 1463 / 1527).
- Templates/c1-plano-dpr-2019.json, the 2019 DPR plano party page (C1.Plano-DPR, one party: party
  votes, ten candidates, the party's total). No blank reference exists: KawalPemilu's phone
  photo of a filled PDI Perjuangan page (2019-dpr-plano-photos/DPR_PDI.jpg) is set straight on
  the four corners of its table (measured on the photo by following the frame's rules) and its
  long rules and box sides are measured on the result.
Run from the repository root:
    python3 scripts/make-plano-templates.py ../shared/samples/kawalc1/2024-reference-and-templates
"""
import os, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib
t24 = importlib.import_module("make-2024-templates")

OUT = t24.OUT


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "../shared/samples/kawalc1/2024-reference-and-templates"
    ref = os.path.join(src, "PPWP-2019-plano-reference.png")
    img = t24.load(ref)
    h, w = img.shape
    ink = img < 128
    hl = [l for l in t24.lines(ink, 60, True) if l[0] > 150 or l[1] > 1300]
    vl = [l for l in t24.lines(ink, 60, False) if (l[1] + l[2]) / 2 > 150 or l[0] > 1300]
    xs = [(1335, 1399), (1399, 1463), (1463, 1527)]

    def boxes(y0, y1):
        return [[float(a), float(y0), float(b - a), float(y1 - y0)] for a, b in xs]

    # "(ditulis dengan huruf)": IV and V.A under the boxes, in the JUMLAH column (x 1336-1526)
    # down to the section's rule; V.B and V.C the row's lower half, from the label column
    # (x 349) to the right rule. Measured on the reference's rules; the printed caption, in
    # the bottom 16 px, left out.
    def words(x0, y0, y1, x1=1526):
        return [float(x0 + 1), float(y0 + 1), float(x1 - x0 - 1), float(y1 - y0 - 18)]
    fields = [
        {"id": "suara_paslon_01", "label": "IV.01 Ir. H. Joko Widodo – Prof. Dr. (H.C.) KH. Ma'ruf Amin: jumlah", "boxes": boxes(311, 393),
         "words": words(1336, 393, 515)},
        {"id": "suara_paslon_02", "label": "IV.02 H. Prabowo Subianto – H. Sandiaga Salahuddin Uno: jumlah", "boxes": boxes(546, 627),
         "words": words(1336, 627, 749)},
        {"id": "suara_tidak_sah", "label": "V.A Jumlah suara tidak sah", "boxes": boxes(892, 975),
         "words": words(1336, 975, 1096)},
        {"id": "suara_sah", "label": "V.B Jumlah seluruh suara sah (IV.01 + IV.02)", "boxes": boxes(1126, 1191),
         "words": words(349, 1191, 1262)},
        {"id": "suara_total", "label": "V.C Jumlah seluruh suara sah dan suara tidak sah (A + B)", "boxes": boxes(1292.5, 1357.5),
         "words": words(349, 1357.5, 1428.5)},
    ]
    tid = "c1-plano-ppwp-2019"
    tpl = {
        "id": tid,
        "title": "Model C1.Plano-PPWP 2019, Lembar 2: perolehan suara pasangan calon, suara sah dan tidak sah",
        "pageCode": "C1.Plano-PPWP",
        "referenceImage": tid + ".png",
        "referenceSource": "KawalPemilu (kawalc1, MIT licence): PPWP-2019-plano-reference.png",
        "width": w, "height": h, "marks": [],
        "lines": {"horizontal": [[float(a), float(b), float(c)] for a, b, c in hl],
                  "vertical": [[float(a), float(b), float(c)] for a, b, c in vl]},
        "fields": fields,
        "rules": [{"rule": "suara_sah = suara_paslon_01 + suara_paslon_02", "label": "V.B = IV.01 + IV.02"},
                  {"rule": "suara_total = suara_sah + suara_tidak_sah", "label": "V.C = V.A + V.B"},
                  {"rule": "suara_total <= 300", "label": "V.C ≤ 300 (pemilih per TPS)", "soft": True}],
    }
    t24.write(tpl, ref)
    dpr(os.path.join(os.path.dirname(os.path.abspath(src)), "2019-dpr-plano-photos", "DPR_PDI.jpg"))


# The DPR page set straight: the table's corners in the photo (where its outer rules meet, each
# rule followed along its length and fitted as a straight line), and where they go: a page of
# 1190 x 1672 px, about the photo's own scale, with the paper's edge near the frame's.
DPR_TABLE_IN_PHOTO = [(145.86, 203.86), (1108.49, 191.82), (166.96, 1539.94), (1153.48, 1507.35)]
DPR_TABLE = [(104, 154), (1084, 154), (104, 1484), (1084, 1484)]
DPR_SIZE = (1190, 1672)
# The JUMLAH column's three boxes (line centres across) and each number's top and bottom rule.
DPR_XS = [960.3, 1001.5, 1042.3, 1083.5]
DPR_TOPS = [340.5, 444, 548, 652, 756.5, 860, 964, 1068, 1172, 1276]
DPR_BOTTOMS = [381.5, 485.5, 589.5, 694, 797.5, 901.5, 1005.5, 1110, 1214.5, 1317.5]
DPR_ROWS = [("suara_partai", "A.1 Suara partai politik", (216.5, 257.5))] + [
    (f"suara_calon_{i + 1:02d}", f"A.2 Suara calon nomor urut {i + 1}", (y0, y1))
    for i, (y0, y1) in enumerate(zip(DPR_TOPS, DPR_BOTTOMS))] + [
    ("suara_total_partai", "B. Jumlah suara sah partai politik dan suara sah calon (A.1 + A.2)", (1380, 1421))]
# Each number in words, "(ditulis dengan huruf)": under its boxes in the JUMLAH column (x 961 to
# 1083) down to the printed caption, 14 px above the next row's rule (A.1: the A.2 header band
# at y 319; the last candidate: B's band at 1374); B's in the lower half of its row, from the
# label column (x 321), above its caption.
DPR_WORDS_BELOW = [319] + DPR_TOPS[1:] + [1374]
DPR_CAPTION = 14
DPR_WORDS_B = [322.0, 1424.0, 760.0, 44.0]


def long_rules(dark, horizontal, exclude):
    """Long rules as [position, start, end]: dark runs of 250 px or more on rows at most 2 apart
    grouped, the grey bands (groups over 6 rows thick) and the excluded areas left out."""
    found = t24.clustered(t24.runs(dark if horizontal else dark.T, 250), gap=2, thickest=6)
    return [[float(p), float(a), float(b)] for p, a, b in found
            if (t24.keep((a + b) / 2, p, exclude) if horizontal else t24.keep(p, (a + b) / 2, exclude))]


def dpr(photo):
    tmp = tempfile.mkdtemp()
    ref = os.path.join(tmp, "c1-plano-dpr-2019.png")
    points = " ".join(f"{a},{b} {c},{d}" for (a, b), (c, d) in zip(DPR_TABLE_IN_PHOTO, DPR_TABLE))
    w, h = DPR_SIZE
    subprocess.run(["convert", photo, "-colorspace", "gray", "-virtual-pixel", "white", "-distort", "Perspective", points,
                    "-crop", f"{w}x{h}+0+0", "+repage", "-define", "png:exclude-chunks=date,time", ref], check=True)
    img = t24.load(ref)
    dark = img < 150
    # The header (station data, handwritten on dotted lines), the handwritten numbers in words
    # under each row, and a margin where the photo's background may show.
    exclude = [(0, 0, w, 110), (0, 0, 25, h), (w - 25, 0, w, h), (0, h - 25, w, h)]
    hl = long_rules(dark, True, exclude)
    vl = long_rules(dark, False, exclude)
    fields = []
    for i, (fid, label, (y0, y1)) in enumerate(DPR_ROWS):
        boxes = [[a, y0, round(b - a, 1), round(y1 - y0, 1)] for a, b in zip(DPR_XS, DPR_XS[1:])]
        words = DPR_WORDS_B if i == len(DPR_ROWS) - 1 else [962.0, y1 + 1, 120.0, round(DPR_WORDS_BELOW[i] - y1 - 2 - DPR_CAPTION, 1)]
        fields.append({"id": fid, "label": label, "boxes": boxes, "words": words})
        for x, y, bw, bh in boxes:
            hl += [[y, x, x + bw], [y + bh, x, x + bw]]
            vl += [[x, y, y + bh], [x + bw, y, y + bh]]
    tid = "c1-plano-dpr-2019"
    calon = " + ".join(f"suara_calon_{i:02d}" for i in range(1, 11))
    tpl = {
        "id": tid,
        "title": "Model C1.Plano-DPR 2019: rincian perolehan suara partai politik dan suara calon (satu partai)",
        "pageCode": "C1.Plano-DPR",
        "referenceImage": tid + ".png",
        "referenceSource": "A phone photo of a filled C1.Plano-DPR page (KawalPemilu kawalc1, MIT licence: "
                           "2019-dpr-plano-photos/DPR_PDI.jpg), set straight on its table's corners by "
                           "scripts/make-plano-templates.py",
        "width": w, "height": h, "marks": [], "filler": "-",
        "lines": {"horizontal": hl, "vertical": vl},
        "fields": fields,
        "rules": [{"rule": f"suara_total_partai = suara_partai + {calon}", "label": "B = A.1 + A.2"},
                  {"rule": "suara_total_partai <= 300", "label": "B ≤ 300 (pemilih per TPS)", "soft": True}],
    }
    t24.write(tpl, ref)


if __name__ == "__main__":
    main()
