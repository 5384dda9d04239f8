"""Bytes to RGB: every mode, EXIF orientation, JPEG draft decoding, size limits and broken files."""

from __future__ import annotations

import io
import math
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from services.inference.errors import ImageTooLarge, InvalidImage
from services.inference.imaging import decode, open_image, to_rgb
from tests.fixtures import encode, solid, solid_jpeg

LIMIT = 1_000_000


def pixels(image: Image.Image) -> np.ndarray:
    assert image.mode == "RGB"
    return np.asarray(image).astype(int)


def grey(values: list[int]) -> np.ndarray:
    """The RGB pixels of a 1-row image whose channels all hold `values`."""
    return np.repeat(np.asarray(values)[np.newaxis, :, np.newaxis], 3, axis=2)


def one_row(mode: str, values: list) -> Image.Image:
    image = Image.new(mode, (len(values), 1))
    image.putdata(values)
    return image


def header_only_png(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims width x height pixels: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


class TestModes:
    def test_rgb_is_returned_as_is(self):
        image = solid((1, 2, 3))
        assert to_rgb(image) is image

    def test_grayscale(self):
        assert (pixels(to_rgb(one_row("L", [0, 17, 255]))) == grey([0, 17, 255])).all()

    def test_bilevel(self):
        assert (pixels(to_rgb(one_row("1", [0, 255, 0]))) == grey([0, 255, 0])).all()

    def test_rgba_is_composited_on_white(self):
        colours = [(200, 100, 50, 255), (200, 100, 50, 0), (200, 100, 50, 128)]
        rgb = pixels(to_rgb(one_row("RGBA", colours)))
        source = np.asarray(colours, dtype=float)
        alpha = source[:, 3:] / 255
        expected = source[:, :3] * alpha + 255 * (1 - alpha)
        assert np.abs(rgb[0] - expected).max() <= 1
        assert (rgb[0, 1] == 255).all()

    def test_grayscale_with_alpha_is_composited_on_white(self):
        rgb = pixels(to_rgb(one_row("LA", [(0, 255), (0, 0), (100, 51)])))
        expected = [0, 255, 100 * 0.2 + 255 * 0.8]
        assert np.abs(rgb[0] - grey(expected)[0]).max() <= 1

    def test_cmyk(self):
        cmyk = [(0, 255, 255, 0), (255, 255, 0, 0), (0, 0, 0, 0), (0, 0, 0, 255)]
        assert pixels(to_rgb(one_row("CMYK", cmyk)))[0].tolist() == [[255, 0, 0], [0, 0, 255], [255] * 3, [0] * 3]

    def test_palette(self):
        image = one_row("P", [0, 1, 2])
        image.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255])
        assert pixels(to_rgb(image))[0].tolist() == [[255, 0, 0], [0, 255, 0], [0, 0, 255]]

    def test_palette_with_transparency_from_a_png(self):
        image = one_row("P", [0, 1, 2])
        image.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255])
        decoded, _ = decode(encode(image, "PNG", transparency=1), LIMIT, 1)
        assert pixels(decoded)[0].tolist() == [[255, 0, 0], [255, 255, 255], [0, 0, 255]]

    def test_16_bit_is_scaled_to_8_bit(self):
        image = Image.frombytes("I;16", (4, 1), np.asarray([0, 256, 32768, 65535], "<u2").tobytes())
        # v * 255 / 65535, truncated: 0, 0.996, 127.5, 255
        assert (pixels(to_rgb(image)) == grey([0, 0, 127, 255])).all()

    def test_16_bit_png(self):
        image = Image.frombytes("I;16", (2, 1), np.asarray([0, 65535], "<u2").tobytes())
        decoded, _ = decode(encode(image, "PNG"), LIMIT, 1)
        assert (pixels(decoded) == grey([0, 255])).all()

    def test_32_bit_integer(self):
        assert (pixels(to_rgb(one_row("I", [0, 65535]))) == grey([0, 255])).all()

    def test_float_is_scaled_by_its_maximum(self):
        # Top = max(4.0, 1.0): -1 clips to 0, 2 -> 127.5, 4 -> 255.
        assert (pixels(to_rgb(one_row("F", [-1.0, 0.0, 2.0, 4.0]))) == grey([0, 0, 127, 255])).all()

    def test_float_in_unit_range_spans_0_to_255(self):
        assert (pixels(to_rgb(one_row("F", [0.0, 0.5, 1.0]))) == grey([0, 127, 255])).all()

    def test_float_tiff(self):
        decoded, _ = decode(encode(one_row("F", [0.0, 1.0]), "TIFF"), LIMIT, 1)
        assert (pixels(decoded) == grey([0, 255])).all()

    @pytest.mark.parametrize("mode", ["YCbCr", "HSV", "LAB", "RGBX", "PA", "I;16B"])
    def test_other_modes_become_rgb(self, mode: str):
        image = Image.new(mode, (3, 2))
        assert to_rgb(image).mode == "RGB"
        assert to_rgb(image).size == (3, 2)


EXIF_ORIENTATION = 0x0112
# What a viewer shows for each EXIF orientation, as numpy operations on the stored rows and columns.
ORIENTED = {
    1: lambda a: a,
    2: np.fliplr,
    3: lambda a: np.rot90(a, 2),
    4: np.flipud,
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: np.rot90(a, 2).transpose(1, 0, 2),
    8: lambda a: np.rot90(a, 1),
}


class TestOrientation:
    @pytest.mark.parametrize("orientation", sorted(ORIENTED))
    def test_exif_orientation_is_applied(self, orientation: int):
        stored = np.random.default_rng(orientation).integers(0, 256, (3, 5, 3), dtype=np.uint8)
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = orientation
        decoded, _ = decode(encode(Image.fromarray(stored), "PNG", exif=exif), LIMIT, 1)
        assert (np.asarray(decoded) == ORIENTED[orientation](stored)).all()

    def test_rotated_jpeg_shows_its_left_half_on_top(self):
        stored = np.zeros((20, 40, 3), np.uint8)
        stored[:, :20] = (255, 0, 0)
        stored[:, 20:] = (0, 0, 255)
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = 6  # rotate 90° clockwise to display
        decoded, _ = decode(encode(Image.fromarray(stored), "JPEG", quality=95, exif=exif), LIMIT, 20)
        assert decoded.size == (20, 40)
        top, bottom = pixels(decoded)[5, 10], pixels(decoded)[35, 10]
        assert top[0] > 200 and top[2] < 50
        assert bottom[2] > 200 and bottom[0] < 50


@pytest.fixture(scope="module")
def large_jpeg() -> bytes:
    return solid_jpeg((90, 160, 30), TestJpegDraft.SIZE)


class TestJpegDraft:
    SIZE = (1600, 1200)

    @pytest.mark.parametrize("min_side", [16, 150, 151, 300, 301, 600, 601, 1200])
    def test_decodes_at_the_smallest_dct_scale_keeping_min_side(self, large_jpeg: bytes, min_side: int):
        decoded, original_size = decode(large_jpeg, 10_000_000, min_side)
        width, height = self.SIZE
        scales = [s for s in (8, 4, 2, 1) if math.ceil(height / s) >= min_side]
        expected = (math.ceil(width / scales[0]), math.ceil(height / scales[0]))
        assert decoded.size == expected
        assert min(decoded.size) >= min_side
        assert original_size == self.SIZE
        assert np.abs(pixels(decoded)[len(pixels(decoded)) // 2, 10] - (90, 160, 30)).max() <= 8

    def test_a_large_jpeg_decodes_smaller(self, large_jpeg: bytes):
        decoded, _ = decode(large_jpeg, 10_000_000, 224)
        assert decoded.width < self.SIZE[0] and min(decoded.size) >= 224

    def test_png_is_decoded_at_full_size(self):
        decoded, original_size = decode(encode(solid((1, 2, 3), (400, 300))), LIMIT, 10)
        assert decoded.size == original_size == (400, 300)


class TestLimits:
    def test_pixel_limit_is_checked_before_decoding(self):
        bomb = header_only_png(2000, 2000)  # 4 Mpx claimed, no pixel data at all
        with pytest.raises(ImageTooLarge, match="4,000,000"):
            decode(bomb, LIMIT, 1)
        # Under a higher limit the same bytes get decoded, and fail as the empty file they are.
        with pytest.raises(InvalidImage):
            decode(bomb, 10_000_000, 1)

    def test_decompression_bomb_is_refused(self):
        bomb = header_only_png(100_000, 100_000)
        assert len(bomb) < 100
        with pytest.raises(ImageTooLarge) as caught:
            decode(bomb, 50_000_000, 1)
        assert caught.value.status_code == 413

    def test_image_at_the_limit_is_accepted(self):
        image = open_image(encode(solid((0, 0, 0), (100, 10))), max_pixels=1000)
        assert image.size == (100, 10)
        with pytest.raises(ImageTooLarge):
            open_image(encode(solid((0, 0, 0), (100, 10))), max_pixels=999)


class TestBrokenFiles:
    def test_truncated_jpeg(self):
        data = encode(Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)), "JPEG")
        with pytest.raises(InvalidImage, match="truncated or corrupt"):
            decode(data[: len(data) // 2], LIMIT, 1)

    def test_random_bytes(self):
        with pytest.raises(InvalidImage, match="not an image"):
            decode(np.random.default_rng(1).bytes(2048), LIMIT, 1)

    def test_empty(self):
        with pytest.raises(InvalidImage, match="empty"):
            decode(b"", LIMIT, 1)

    def test_text_file(self):
        with pytest.raises(InvalidImage):
            decode(b"name,score\ncat,0.9\ndog,0.1\n", LIMIT, 1)

    def test_invalid_image_is_a_400(self):
        with pytest.raises(InvalidImage) as caught:
            decode(b"GIF89a", LIMIT, 1)
        assert caught.value.status_code == 400


class TestFormats:
    """Only the formats the service states (imaging.FORMATS) are decoded; Pillow knows many more."""

    @pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"])
    def test_the_stated_formats_are_decoded(self, fmt: str):
        decoded, size = decode(encode(solid((200, 30, 30), (40, 30)), fmt), LIMIT, 1)
        assert size == (40, 30) and decoded.mode == "RGB"

    @pytest.mark.parametrize("fmt", ["ICO", "PCX", "SGI", "TGA", "PPM", "DDS"])
    def test_other_formats_pillow_reads_are_refused(self, fmt: str):
        data = encode(solid((200, 30, 30), (32, 32)), fmt)
        assert Image.open(io.BytesIO(data)).format == fmt  # Pillow itself would decode it
        with pytest.raises(InvalidImage, match="JPEG, PNG, WebP"):
            decode(data, LIMIT, 1)

    def test_postscript_is_never_handed_to_ghostscript(self):
        eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n%%EndComments\nshowpage\n%%EOF\n"
        assert Image.open(io.BytesIO(eps)).format == "EPS"
        with pytest.raises(InvalidImage, match="not an image that can be decoded"):
            open_image(eps, LIMIT)

    def test_a_camera_mpo_is_a_jpeg(self):
        frame = solid((200, 30, 30), (400, 300))
        buffer = io.BytesIO()
        frame.save(buffer, "MPO", save_all=True, append_images=[frame])
        decoded, size = decode(buffer.getvalue(), LIMIT, 100)
        assert size == (400, 300) and decoded.width < 400  # decoded at reduced size, as JPEGs are
