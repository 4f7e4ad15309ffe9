"""Uploaded files: checking them (size, type by name and by first bytes), and storing
them so that a full disk is a clear refusal, with nothing half-kept."""

import errno
import logging
import mimetypes
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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


# Office documents are zip archives: the parts each must hold to be what its name says.
ARCHIVE_PARTS = {
    ".docx": ("[Content_Types].xml", "word/document.xml"),
    ".xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    ".pptx": ("[Content_Types].xml", "ppt/presentation.xml"),
    ".odt": ("mimetype", "content.xml"),
}
# An honest document unpacks to a few times its size; a zip bomb to thousands of times.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 5000
MAX_COMPRESSION_RATIO = 200


def _check_archive(upload, extension: str) -> None:
    """Refuse an office document that is not a whole archive with its parts, or that
    would unpack to far more than an honest document (a zip bomb)."""
    broken = ValidationError(
        _("The file is not a valid %(ext)s document.") % {"ext": extension}, code="archive"
    )
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if len(members) > MAX_ARCHIVE_MEMBERS:
                raise broken
            if not all(part in names for part in ARCHIVE_PARTS[extension]):
                raise broken
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO:
                raise ValidationError(
                    _("The file would unpack to far more than a document holds; it is refused."),
                    code="archive_size",
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise broken from None
    finally:
        upload.seek(0)


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
    if extension in ARCHIVE_PARTS:
        _check_archive(upload, extension)
    if not signatures:
        try:
            upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_("A text file must be UTF-8.")) from None
        finally:
            upload.seek(0)
    return content_type or mimetypes.guess_type(upload.name)[0] or "application/octet-stream"


# The storage is out of room: the disk is full, a quota is reached, or the file would pass
# the largest size the process may write.
NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class StorageFull(ValidationError):
    """The server has no room for the file; nothing was kept."""

    def __init__(self):
        super().__init__(
            _(
                "The server has no room to store this file just now; nothing was saved. "
                "Please tell the programme team."
            ),
            code="storage_full",
        )


def _remove_quietly(storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # the disk may be in a bad way; the first error is the one to report
        logger.exception("Could not remove the partial file %s", name)


def store_upload(fieldfile, filename: str, content) -> None:
    """Write ``content`` to storage as ``fieldfile`` (a model's FileField value), like
    ``fieldfile.save(filename, content, save=False)``; if the write fails, remove what was
    written, and say plainly when the cause was a full disk (StorageFull, a
    ValidationError, so the form shows it and the service's transaction keeps no row).

    The upload_to functions give each file a fresh random name, so the name computed
    here is the one the storage writes, and no one else's file can have it."""
    field = fieldfile.field
    name = field.generate_filename(fieldfile.instance, filename)
    try:
        stored = fieldfile.storage.save(name, content, max_length=field.max_length)
    except OSError as error:
        _remove_quietly(fieldfile.storage, name)
        if error.errno in NO_ROOM:
            logger.error("No room to store an upload (%s): %s", name, error)
            raise StorageFull() from error
        raise
    fieldfile.name = stored
    setattr(fieldfile.instance, field.attname, stored)
    fieldfile._committed = True


def store_files(instance, *field_names: str) -> None:
    """Store the uploads assigned to ``instance``'s file fields before the row is saved,
    all or none: if one cannot be written, those already written are removed."""
    stored = []
    try:
        for field_name in field_names:
            fieldfile = getattr(instance, field_name)
            if not fieldfile or fieldfile._committed:
                continue
            store_upload(fieldfile, fieldfile.name, fieldfile.file)
            stored.append(fieldfile)
    except BaseException:
        for fieldfile in stored:
            _remove_quietly(fieldfile.storage, fieldfile.name)
        raise
