"""Check an uploaded photo and turn it into a small JPEG without metadata."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5_000_000
MAX_PIXELS = 40_000_000
MAX_SIDE = 600
FORMATS = ("JPEG", "PNG")

# Message keys for the app to translate; the dict gives plain Dutch and English.
MESSAGES: dict[str, dict[str, str]] = {
    "photo_empty": {
        "nl": "Er is geen foto ontvangen.",
        "en": "No photo was received.",
    },
    "photo_too_large": {
        "nl": "De foto is te groot. Kies een foto kleiner dan 5 MB.",
        "en": "The photo is too large. Choose a photo smaller than 5 MB.",
    },
    "photo_not_image": {
        "nl": "Dit bestand is geen foto. Kies een JPG- of PNG-bestand.",
        "en": "This file is not a photo. Choose a JPG or PNG file.",
    },
    "photo_too_many_pixels": {
        "nl": "De foto heeft te veel pixels. Kies een kleinere foto.",
        "en": "The photo has too many pixels. Choose a smaller photo.",
    },
}


class PhotoError(ValueError):
    """A photo was refused; key names a message in MESSAGES."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key

    def message(self, lang: str = "nl") -> str:
        """The plain-language message for the client."""
        return MESSAGES[self.key].get(lang, MESSAGES[self.key]["nl"])


def _open(data: bytes) -> Image.Image:
    """Open and fully decode the image, refusing other formats and decompression bombs."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise PhotoError("photo_too_many_pixels") from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise PhotoError("photo_not_image") from error
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise PhotoError("photo_too_many_pixels")
        try:
            image.load()
        except (OSError, SyntaxError, ValueError) as error:
            raise PhotoError("photo_not_image") from error
    return image


def clean_photo(data: bytes, max_bytes: int = MAX_BYTES) -> bytes:
    """A real JPEG or PNG, at most max_bytes, re-encoded as a JPEG of at most 600 px, no EXIF."""
    if not data:
        raise PhotoError("photo_empty")
    if len(data) > max_bytes:
        raise PhotoError("photo_too_large")
    image = _open(data)
    image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF promised
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh image from raw pixels carries no EXIF, ICC profile or comments.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    clean.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()
