"""Checking uploaded files: size, and type by name and by first bytes."""

import mimetypes
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ZIP = [b"PK\x03\x04"]
# Extension -> (content type, possible first bytes; empty means text, checked as UTF-8)
KNOWN = {
    ".pdf": ("application/pdf", [b"%PDF-"]),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
    ".png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".txt": ("text/plain", []),
}


def check_upload(upload, *, allowed: set[str], max_bytes: int) -> str:
    """The upload's content type, or a ValidationError saying what is wrong with it."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1048576, 1), "limit": round(max_bytes / 1048576, 1)}
        )
    extension = Path(upload.name).suffix.lower()
    if extension not in allowed:
        raise ValidationError(
            _("Files of this type cannot be attached. Allowed: %(types)s.")
            % {"types": ", ".join(sorted(allowed))}
        )
    content_type, signatures = KNOWN[extension]
    head = upload.read(16)
    upload.seek(0)
    if signatures and not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(
            _("The file's content does not match its name (%(ext)s).") % {"ext": extension}
        )
    if not signatures:
        try:
            upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_("A text file must be UTF-8.")) from None
        finally:
            upload.seek(0)
    return content_type or mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
