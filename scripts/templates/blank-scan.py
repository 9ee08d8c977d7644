#!/usr/bin/env python3
"""A blanked copy of a filled scan, for measuring `templates draft`: the inside of every digit
box of the shipped template painted white (an inset of INSET px keeps the printed box lines),
everything else (the words lines' handwriting, stamps, the print) left as scanned.

    python3 scripts/templates/blank-scan.py TEMPLATE.json OUT.png [INSET]
Needs Pillow. A measurement script, not run by CI.
"""
import json
import os
import sys

from PIL import Image, ImageDraw

template = json.load(open(sys.argv[1]))
inset = float(sys.argv[3]) if len(sys.argv) > 3 else 4
image = Image.open(os.path.join(os.path.dirname(sys.argv[1]), template["referenceImage"])).convert("L")
draw = ImageDraw.Draw(image)
for field in template["fields"]:
    for x, y, w, h in field["boxes"]:
        draw.rectangle([x + inset, y + inset, x + w - inset, y + h - inset], fill=255)
image.save(sys.argv[2])
