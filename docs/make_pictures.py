"""Regenerate the README's pictures in docs/img/ with the commands the README shows.

    pip install '.[plot]' && python docs/make_pictures.py

Each picture is drawn by `cnncalc` itself, then stored as a palette PNG (Pillow, which
matplotlib installs) so each stays at tens of KiB.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

IMG = Path(__file__).resolve().parent / "img"
COLOURS = 48  # the charts use a dozen colours; anti-aliased edges need a few more

PICTURES = {
    "resnet50-cost.png": ["plot", "resnet50"],
    "resnet50-field.png": ["plot", "resnet50", "--kind", "field"],
    "vgg16-box.png": ["plot", "vgg16", "--kind", "field", "--at", "layers[3]"],
    "pareto.png": ["compare", "resnet18", "resnet50", "mobilenet_v2", "efficientnet_b0", "--plot"],
    "curves.png": ["compare", "two-3x3", "one-5x5", "--set", "c=16:256:16", "--set", "H=56", "--set", "W=56", "--plot"],
    "bottleneck-diagram.png": ["plot", "bottleneck", "--kind", "diagram", "--set", "c=64", "--set", "H=56", "--set", "W=56"],
}


def main() -> None:
    from PIL import Image

    IMG.mkdir(exist_ok=True)
    for name, args in PICTURES.items():
        path = IMG / name
        subprocess.run([sys.executable, "-m", "cnncalc", *args, "-o", str(path)], check=True)
        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
        print(f"{name}: {path.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
