"""Draw the extension's icons (a ring with a dot: "where is this from?") with Pillow.

Run from the repository root: ``.venv/bin/python extension/icons/make_icons.py``.
"""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
BLUE = (11, 92, 173, 255)
WHITE = (255, 255, 255, 255)


def draw(size: int) -> Image.Image:
    scale = 8  # draw large, then downsample for smooth edges
    big = size * scale
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BLUE)
    ring = big * 0.22
    width = max(scale, int(big * 0.11))
    c = big / 2
    d.ellipse(
        (c - ring * 1.45, c - ring * 1.45, c + ring * 1.45, c + ring * 1.45), outline=WHITE, width=width
    )
    d.ellipse((c - ring * 0.45, c - ring * 0.45, c + ring * 0.45, c + ring * 0.45), fill=WHITE)
    return img.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    for size in (16, 32, 48, 128):
        draw(size).save(HERE / f"icon-{size}.png", optimize=True)
