"""Photo cleaning: real JPEG/PNG only, bounded size, no metadata, at most 600 px."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from exports.photo import MAX_SIDE, PhotoError, clean_photo


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    """An image file in memory."""
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def test_text_file_named_jpg_is_refused(tmp_path):
    path = tmp_path / "pasfoto.jpg"
    path.write_text("Dit is geen foto, maar een tekstbestand.")
    with pytest.raises(PhotoError) as caught:
        clean_photo(path.read_bytes())
    assert caught.value.key == "photo_not_image"
    assert "geen foto" in caught.value.message("nl")
    assert "not a photo" in caught.value.message("en")


def test_other_image_formats_are_refused():
    with pytest.raises(PhotoError):
        clean_photo(encoded(Image.new("RGB", (20, 20)), "GIF"))


def test_exif_is_stripped():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam Maker"  # Make
    exif[0x9286] = "thuis in Utrecht"  # UserComment-like tag
    original = encoded(Image.new("RGB", (300, 200), (200, 40, 40)), "JPEG", exif=exif)
    assert b"SecretCam" in original
    cleaned = clean_photo(original)
    assert b"SecretCam" not in cleaned and b"Exif" not in cleaned
    image = Image.open(io.BytesIO(cleaned))
    assert image.format == "JPEG" and not image.getexif() and image.size == (300, 200)


def test_exif_orientation_is_applied_before_stripping():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    cleaned = clean_photo(encoded(Image.new("RGB", (300, 200)), "JPEG", exif=exif))
    assert Image.open(io.BytesIO(cleaned)).size == (200, 300)


def test_too_many_bytes_is_refused():
    data = encoded(Image.new("RGB", (400, 400)), "PNG")
    with pytest.raises(PhotoError) as caught:
        clean_photo(data, max_bytes=len(data) - 1)
    assert caught.value.key == "photo_too_large"


def test_decompression_bomb_is_refused_before_decoding():
    bomb = encoded(Image.new("1", (12_000, 12_000)), "PNG")  # small file, 144 megapixels
    assert len(bomb) < 1_000_000
    with pytest.raises(PhotoError) as caught:
        clean_photo(bomb)
    assert caught.value.key == "photo_too_many_pixels"


def test_large_png_with_transparency_becomes_a_small_jpeg():
    cleaned = clean_photo(encoded(Image.new("RGBA", (1600, 1200), (0, 0, 0, 0)), "PNG"))
    image = Image.open(io.BytesIO(cleaned))
    assert image.format == "JPEG" and max(image.size) == MAX_SIDE
    assert image.getpixel((10, 10)) == (255, 255, 255)  # transparent became white


def test_empty_upload_is_refused():
    with pytest.raises(PhotoError):
        clean_photo(b"")
