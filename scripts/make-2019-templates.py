#!/usr/bin/env python3
"""Writes Templates/c1-ppwp-2019-lembar{1,2}.json from the grid measured on the reference scans.

The reference pages are pantemeutia-01 (KPU 2019 scans, the straightest of the ten). The grid
coordinates below were read off them with horizontal/vertical dark-run profiles; everything
else (box rectangles, registration lines, rules) is derived here, so a change to the layout is
a change to these numbers. Run from the repository root: python3 scripts/make-2019-templates.py
"""
import json, os

COLS = ["l", "p", "j"]

def boxes(xs, y0, y1):
    return [[round(xs[i], 1), round(y0, 1), round(xs[i + 1] - xs[i], 1), round(y1 - y0, 1)] for i in range(3)]

def sum_rule(total, parts, label):
    return {"rule": f"{total} = " + " + ".join(parts), "label": label}

def write(tpl):
    path = os.path.join("Sources", "FormScan", "Templates", tpl["id"] + ".json")
    with open(path, "w") as f:
        json.dump(tpl, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("wrote", path, len(tpl["fields"]), "fields", len(tpl["rules"]), "rules")

# ---------------------------------------------------------------- Lembar 1
# Column lines of the 9 digit boxes (L: 3, P: 3, J: 3) in sections I and II.
X1 = [714, 764.5, 815, 865, 915.5, 966, 1016.5, 1067, 1117.5, 1168]
ROWS_A = [405.5, 453, 501, 548, 596]
ROWS_B = [644, 692, 739, 787, 834.5]
ROWS_II = [962.5, 1010, 1057.5]
X_III = [1017.5, 1067.5, 1118, 1168.5]
ROWS_III = [1184.5, 1232, 1279, 1327, 1375]
LEFT1 = 44.5

rows1 = [
    ("pemilih_dpt", "I.A.1 Jumlah Pemilih dalam DPT (Model A.3-KPU)", ROWS_A[0], ROWS_A[1]),
    ("pemilih_dptb", "I.A.2 Jumlah Pemilih dalam DPTb (Model A.4-KPU)", ROWS_A[1], ROWS_A[2]),
    ("pemilih_dpk", "I.A.3 Jumlah Pemilih dalam DPK (Model A.DPK-KPU)", ROWS_A[2], ROWS_A[3]),
    ("pemilih_total", "I.A.4 Jumlah Pemilih (A.1 + A.2 + A.3)", ROWS_A[3], ROWS_A[4]),
    ("pengguna_dpt", "I.B.1 Jumlah pengguna hak pilih dalam DPT (Model C7.DPT-KPU)", ROWS_B[0], ROWS_B[1]),
    ("pengguna_dptb", "I.B.2 Jumlah pengguna hak pilih dalam DPTb (Model C7.DPTb-KPU)", ROWS_B[1], ROWS_B[2]),
    ("pengguna_dpk", "I.B.3 Jumlah pengguna hak pilih dalam DPK (Model C7.DPK-KPU)", ROWS_B[2], ROWS_B[3]),
    ("pengguna_total", "I.B.4 Jumlah Pengguna Hak Pilih (B.1 + B.2 + B.3)", ROWS_B[3], ROWS_B[4]),
    ("disabilitas_terdaftar", "II.1 Jumlah seluruh Pemilih disabilitas terdaftar dalam DPT, DPTb dan DPK", ROWS_II[0], ROWS_II[1]),
    ("disabilitas_pengguna", "II.2 Jumlah seluruh Pemilih disabilitas yang menggunakan hak pilih", ROWS_II[1], ROWS_II[2]),
]
COL_LABEL = {"l": "Laki-laki (L)", "p": "Perempuan (P)", "j": "Jumlah (L+P)"}
fields1 = []
for rid, label, y0, y1 in rows1:
    for ci, c in enumerate(COLS):
        fields1.append({"id": f"{rid}_{c}", "label": f"{label}, {COL_LABEL[c]}",
                        "boxes": boxes(X1[3 * ci:3 * ci + 4], y0, y1)})
single1 = [
    ("surat_suara_diterima", "III.1 Jumlah surat suara yang diterima, termasuk surat suara cadangan 2% dari DPT (2+3+4)"),
    ("surat_suara_rusak", "III.2 Jumlah surat suara yang dikembalikan oleh pemilih karena rusak/keliru coblos"),
    ("surat_suara_tidak_digunakan", "III.3 Jumlah surat suara yang tidak digunakan/tidak terpakai, termasuk sisa surat suara cadangan"),
    ("surat_suara_digunakan", "III.4 Jumlah surat suara yang digunakan"),
]
for i, (fid, label) in enumerate(single1):
    fields1.append({"id": fid, "label": label, "boxes": boxes(X_III, ROWS_III[i], ROWS_III[i + 1])})

rules1 = []
for rid, label, _, _ in rows1:
    rules1.append(sum_rule(f"{rid}_j", [f"{rid}_l", f"{rid}_p"], f"{label.split(' ')[0]}: J = L + P"))
for group, code in (("pemilih", "I.A.4"), ("pengguna", "I.B.4")):
    for c in COLS:
        rules1.append(sum_rule(f"{group}_total_{c}", [f"{group}_dpt_{c}", f"{group}_dptb_{c}", f"{group}_dpk_{c}"],
                               f"{code} ({c.upper()}) = 1 + 2 + 3"))
rules1.append(sum_rule("surat_suara_diterima", ["surat_suara_rusak", "surat_suara_tidak_digunakan", "surat_suara_digunakan"],
                       "III.1 = III.2 + III.3 + III.4"))
rules1.append({"rule": "surat_suara_digunakan = pengguna_total_j", "label": "III.4 = I.B.4 (J)"})
for r in ("dpt", "dptb", "dpk", "total"):
    for c in COLS:
        rules1.append({"rule": f"pengguna_{r}_{c} <= pemilih_{r}_{c}", "label": f"pengguna ≤ pemilih ({r.upper()}, {c.upper()})"})
for c in COLS:
    rules1.append({"rule": f"disabilitas_pengguna_{c} <= disabilitas_terdaftar_{c}", "label": f"II.2 ≤ II.1 ({c.upper()})"})
rules1 += [
    {"rule": "surat_suara_diterima = pemilih_dpt_j + ceil(2% * pemilih_dpt_j)", "soft": True,
     "label": "surat suara diterima = DPT + 2% cadangan"},
    {"rule": "pemilih_dpt_j <= 300", "soft": True, "label": "DPT ≤ 300 pemilih per TPS"},
    {"rule": "pengguna_total_j <= pemilih_dpt_j + ceil(2% * pemilih_dpt_j)", "soft": True,
     "label": "pengguna hak pilih ≤ 102% DPT"},
]

def hline(y, x0, x1): return [y, x0, x1]

# Lines away from the boxes (the section column, the headers, the signature block), measured
# the same way; only the fine fit uses them ("perspectiveLines"): they hold the perspective of a
# tilted photo where the box columns alone, all on the right, leave the left of the page free.
SIGN1 = [204.5, 365, 525.5, 686, 847, 1008.5]
lines1 = {
    "horizontal": [hline(y, LEFT1, 1168) for y in ROWS_A + ROWS_B + ROWS_II + ROWS_III] +
                  [hline(y, LEFT1, 1168) for y in (293.5, 338.5, 357.5, 898.5, 943.5, 1120.5, 1165.5)],
    "vertical": [[x, ROWS_A[0], ROWS_B[-1]] for x in [LEFT1] + X1] +
                [[x, ROWS_II[0], ROWS_II[-1]] for x in [LEFT1] + X1] +
                [[x, ROWS_III[0], ROWS_III[-1]] for x in [LEFT1] + X_III],
}
perspective1 = {
    "horizontal": [hline(y, 45, 1170) for y in (1406, 1441, 1519, 1554, 1590, 1696.5)],
    "vertical": [[85, 360, 833]] + [[x, 296, 356] for x in (LEFT1, 714, 864.5, 1015.5, 1167.5)] +
                [[x, 1409, 1694] for x in (45.5, 1169.5)] + [[x, 1444, 1516] for x in SIGN1] + [[606.5, 1558, 1694]],
}
write({
    "id": "c1-ppwp-2019-lembar1",
    "title": "Model C1-PPWP 2019, Lembar 1: data pemilih, pengguna hak pilih, disabilitas, surat suara",
    "pageCode": "C1-PPWP-01",
    "referenceImage": "c1-ppwp-2019-lembar1.jpg",
    "referenceSource": "KPU 2019 scan, TPS 01 Panté Meutia (Aceh Barat), Lembar 1",
    "width": 1224, "height": 1766,
    "marks": [[15, 26, 29, 27], [1167, 26, 26, 27], [17, 1701, 27, 27], [1173, 1699, 27, 27]],
    "lines": lines1,
    "perspectiveLines": perspective1,
    "fields": fields1,
    "rules": rules1,
})

# ---------------------------------------------------------------- Lembar 2
X2A = [1012.5, 1062.5, 1112.75, 1163]
X2B = [1013, 1063, 1113.25, 1163.5]
LEFT2 = 40.5
# The line "(ditulis dengan huruf)" under each number, where the officer writes it in words:
# from the column rule left of it (x 155 under the pair's number, dashed; x 362 in section V)
# to where the digit boxes begin, between the ruled lines above and below it.
def words(x0, y0, y1, x1=1015):
    return [x0, y0, x1 - x0, round(y1 - y0, 1)]
fields2 = [
    {"id": "suara_paslon_01", "label": "IV.01 Ir. H. Joko Widodo – Prof. Dr. (H.C.) KH. Ma'ruf Amin: suara sah", "boxes": boxes(X2A, 285.5, 374),
     "words": words(155, 374, 417.5)},
    {"id": "suara_paslon_02", "label": "IV.02 H. Prabowo Subianto – H. Sandiaga Salahuddin Uno: suara sah", "boxes": boxes(X2A, 434.5, 523.5),
     "words": words(155, 523.5, 567.5)},
    {"id": "suara_sah", "label": "V.A Jumlah seluruh suara sah (IV.01 + IV.02)", "boxes": boxes(X2B, 676.5, 721),
     "words": words(362, 721, 769.5)},
    {"id": "suara_tidak_sah", "label": "V.B Jumlah suara tidak sah", "boxes": boxes(X2B, 793, 837),
     "words": words(362, 837, 885.5)},
    {"id": "suara_total", "label": "V.C Jumlah seluruh suara sah dan suara tidak sah (A + B)", "boxes": boxes(X2B, 909, 953),
     "words": words(362, 953, 1002)},
]
rules2 = [
    sum_rule("suara_sah", ["suara_paslon_01", "suara_paslon_02"], "V.A = IV.01 + IV.02"),
    sum_rule("suara_total", ["suara_sah", "suara_tidak_sah"], "V.C = V.A + V.B"),
]
# As on Lembar 1: the frame between the boxes, the signature block (fine fit only).
SIGN2 = [201, 361.5, 521.5, 682, 842.5, 1003.5]
lines2 = {
    "horizontal": [hline(y, LEFT2, 1163) for y in (223.5, 267, 285.5, 374, 417.5, 434.5, 523.5, 567.5, 617.5)] +
                  [hline(y, LEFT2, 1163.5) for y in (659.5, 676.5, 721, 769.5, 793, 837, 885.5, 909, 953, 1002)],
    "vertical": [[x, 285.5, 374] for x in [LEFT2] + X2A] + [[x, 434.5, 523.5] for x in [LEFT2] + X2A] +
                [[x, 676.5, 721] for x in [LEFT2] + X2B] + [[x, 793, 837] for x in [LEFT2] + X2B] +
                [[x, 909, 953] for x in [LEFT2] + X2B],
}
perspective2 = {
    "horizontal": [hline(y, 41, 1165) for y in (1170, 1200.5, 1300.5, 1371.5, 1412.5)],
    "vertical": [[x, y0, y1] for x in (LEFT2, 1163) for (y0, y1) in ((226, 283), (376, 432), (526, 566), (620, 674), (723, 791), (839, 907), (955, 1000))] +
                [[x, 1173, 1298] for x in [41.5] + SIGN2 + [1164]] + [[x, 1375, 1533] for x in (602.5, 1165.5)],
}
write({
    "id": "c1-ppwp-2019-lembar2",
    "title": "Model C1-PPWP 2019, Lembar 2: perolehan suara pasangan calon, suara sah dan tidak sah",
    "pageCode": "C1-PPWP-02",
    "referenceImage": "c1-ppwp-2019-lembar2.jpg",
    "referenceSource": "KPU 2019 scan, TPS 01 Panté Meutia (Aceh Barat), Lembar 2",
    "width": 1220, "height": 1764,
    "marks": [[15, 45, 26, 27], [1164, 46, 27, 27], [15, 1719, 26, 26], [1170, 1718, 26, 27]],
    "lines": lines2,
    "perspectiveLines": perspective2,
    "fields": fields2,
    "rules": rules2,
    "stationRules": [
        {"rule": "suara_total = [c1-ppwp-2019-lembar1].pengguna_total_j", "label": "V.C (Lembar 2) = I.B.4 J (Lembar 1)"},
        {"rule": "suara_total <= [c1-ppwp-2019-lembar1].pemilih_total_j", "label": "V.C (Lembar 2) ≤ I.A.4 J (Lembar 1)"},
    ],
})
