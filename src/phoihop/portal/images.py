"""Checking and storing uploaded pictures with Pillow: only real images, bounded in bytes and pixels,
re-encoded (which also drops anything hidden in the file), resized, with a thumbnail for lists."""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_WIDTH = 1600
THUMB_SIZE = (480, 270)  # 16:9, the shape of news pictures and banners
FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def _fail(message: str):
    raise ValidationError(message, code="image")


def read_image(data: bytes, *, name: str = "") -> Image.Image:
    """The decoded picture, or a ValidationError whose Vietnamese message says what is wrong."""
    if not data:
        _fail(_("Ảnh: tệp “%(name)s” rỗng.") % {"name": name})
    if len(data) > MAX_BYTES:
        _fail(
            _("Ảnh: tệp “%(name)s” nặng %(size).1f MB, vượt quá giới hạn 10 MB.")
            % {"name": name, "size": len(data) / 1024 / 1024}
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in FORMATS:
                _fail(_("Ảnh: “%(name)s” không phải ảnh JPEG, PNG, GIF hay WebP.") % {"name": name})
            width, height = probe.size
            if width * height > MAX_PIXELS:
                _fail(
                    _("Ảnh: “%(name)s” có %(w)s×%(h)s điểm ảnh, vượt quá giới hạn 40 triệu điểm ảnh.")
                    % {"name": name, "w": width, "h": height}
                )
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _fail(_("Ảnh: “%(name)s” có số điểm ảnh vượt quá giới hạn 40 triệu điểm ảnh.") % {"name": name})
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        _fail(_("Ảnh: “%(name)s” không phải là ảnh hoặc tệp ảnh bị hỏng.") % {"name": name})
    return image


def _flatten(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def prepare(data: bytes, *, name: str = "") -> tuple[ContentFile, ContentFile]:
    """(picture, thumbnail) as JPEG files ready to save, named by date and a random id."""
    image = _flatten(read_image(data, name=name))
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.LANCZOS)
    thumb = ImageOps.fit(image, THUMB_SIZE, Image.LANCZOS)
    stem = f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}"
    return ContentFile(_jpeg(image), name=f"{stem}.jpg"), ContentFile(_jpeg(thumb, 80), name=f"{stem}.jpg")
