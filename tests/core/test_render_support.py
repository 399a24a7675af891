"""Checks shared by the render tests: size bounds and "not blank". Holds no tests itself."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from plugins.maimai_archive.core.render.base import MAX_PNG_BYTES, MAX_SIDE_PX

# matplotlib attributes the warning to the caller of savefig, so a module filter on
# "matplotlib.*" misses it: match the message instead. Every render test module uses this.
RENDER_MARKS = [
    pytest.mark.render,
    pytest.mark.filterwarnings("error:Glyph .* missing from font:UserWarning"),
]


def check_png(data: bytes, *, min_side: int = 100) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) <= MAX_PNG_BYTES
    image = Image.open(io.BytesIO(data))
    width, height = image.size
    assert min_side <= width <= MAX_SIDE_PX
    assert min_side <= height <= MAX_SIDE_PX
    pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.std() > 8, "image looks blank"
    return image
