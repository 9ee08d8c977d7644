#!/usr/bin/env python3
"""Writes Templates/c1-plano-ppwp-2019.json from KawalPemilu's reference of the 2019 presidential
plano sheet (C1.Plano-PPWP, Lembar 2: the votes). Ruled lines are measured on the image (dark
runs of 60 px or more); the digit boxes of the JUMLAH column were read off the same line
measurements (x 1335 / 1399 / 1463 / 1527). Run from the repository root:
    python3 scripts/make-plano-templates.py ../shared/samples/kawalc1/2024-reference-and-templates
"""
import json, os, shutil, sys
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
    fields = [
        {"id": "suara_paslon_01", "label": "IV.01 Ir. H. Joko Widodo – Prof. Dr. (H.C.) KH. Ma'ruf Amin: jumlah", "boxes": boxes(311, 393)},
        {"id": "suara_paslon_02", "label": "IV.02 H. Prabowo Subianto – H. Sandiaga Salahuddin Uno: jumlah", "boxes": boxes(546, 627)},
        {"id": "suara_tidak_sah", "label": "V.A Jumlah suara tidak sah", "boxes": boxes(892, 975)},
        {"id": "suara_sah", "label": "V.B Jumlah seluruh suara sah (IV.01 + IV.02)", "boxes": boxes(1126, 1191)},
        {"id": "suara_total", "label": "V.C Jumlah seluruh suara sah dan suara tidak sah (A + B)", "boxes": boxes(1292.5, 1357.5)},
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
    shutil.copyfile(ref, os.path.join(OUT, tpl["referenceImage"]))
    with open(os.path.join(OUT, tid + ".json"), "w") as f:
        json.dump(tpl, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("wrote", tid, len(fields), "fields,", len(hl), "+", len(vl), "lines")


if __name__ == "__main__":
    main()
