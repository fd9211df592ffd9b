"""Screenshots for docs/screenshots/, taken by the browser tests when PHOIHOP_SCREENSHOTS is set (a
normal test run leaves the repository's pictures alone)."""

import os
from pathlib import Path

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def shoot(page, name: str, *, full_page: bool = False) -> None:
    """A screenshot reduced to 256 colours, so the PNG kept in the repository stays small."""
    if not os.environ.get("PHOIHOP_SCREENSHOTS"):
        return
    from PIL import Image

    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / (name if name.endswith(".png") else f"{name}.png")
    page.screenshot(path=str(path), full_page=full_page)
    Image.open(path).convert("RGB").quantize(256).save(path, optimize=True)
