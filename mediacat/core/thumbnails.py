"""Qt-free image thumbnails with Pillow: JPEG draft decoding, EXIF orientation, the decompression-bomb guard kept."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from mediacat.core.errors import MediaCatError
from mediacat.core.probe import MAX_DECODE_PIXELS


class ThumbnailError(MediaCatError):
    """A file that cannot be turned into a thumbnail (missing, empty, corrupt, too large)."""


def image_thumbnail(path: str | os.PathLike[str], size: int) -> Image.Image:
    """An RGB or RGBA copy of the image at path whose longer side is at most `size`, upright per its EXIF.

    JPEGs are decoded at a reduced scale (`Image.draft`) before the final resampling, so a 12 MP photo costs
    a fraction of a full decode; any image that would still decode to more than MAX_DECODE_PIXELS is refused.
    Raises ThumbnailError naming the file and the problem.
    """
    file = Path(path)
    if size < 1:
        raise ValueError("size must be at least 1")
    if not file.is_file():
        raise ThumbnailError(f"cannot read image {file}: no such file")
    if file.stat().st_size == 0:
        raise ThumbnailError(f"cannot read image {file}: the file is empty")
    try:
        with warnings.catch_warnings():  # our own pixel limit applies, below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(file)
        with image:
            image.draft("RGB", (size, size))
            width, height = image.size  # after draft: a JPEG is decoded at up to 1/8 scale
            if width * height > MAX_DECODE_PIXELS:
                raise ThumbnailError(
                    f"cannot make a thumbnail of {file}: {width}x{height} is {width * height / 1e6:.0f} MP, more "
                    f"than the {MAX_DECODE_PIXELS / 1e6:.0f} MP MediaCat decodes for one image"
                )
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
            mode = "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info else "RGB"
            return upright.convert(mode)
    except Image.DecompressionBombError as error:
        raise ThumbnailError(f"cannot read image {file}: {error}") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ThumbnailError(f"cannot read image {file}: {error or type(error).__name__}") from error
