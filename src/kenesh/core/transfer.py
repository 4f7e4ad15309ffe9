"""Light on slow links: static files under hashed names, compressed and cached for a
year; pages compressed when the browser accepts it.

Static files. ``collectstatic`` (``kenesh demo`` and ``kenesh serve`` run it, a
deployment runs it on each release) writes every file twice into STATIC_ROOT, under its
own name and under a hashed one (``kenesh.e5ef2c90358f.css``), each with a Brotli
(``.br``) and a gzip (``.gz``) copy. WhiteNoise answers with the smallest copy the
request's ``Accept-Encoding`` allows and ``Vary: Accept-Encoding``, and caches a hashed
name for good (``immutable``): its content never changes under that name.

WhiteNoise, told to use the finders (so that tests and a checkout where collectstatic
has not run still have their styles and scripts), adds the apps' source files *after*
the collected ones, so a plain name (``kenesh/kenesh.css``) would be answered from the
source, which has no compressed copies. Here the collected copies win and the finders
only fill the gaps (no collectstatic yet, or a file added since).

Pages. Django's GZipMiddleware compresses HTML with the "Heal The Breach" counter to
BREACH (Django 4.2+): each compressed response carries 1-100 random bytes in the gzip
header's file-name field, so its length no longer reveals how well a secret on the page
matched text an attacker injected; the CSRF token in forms is also masked afresh on each
response. Files (downloads, PDFs, DOCX, spreadsheets, images) are left as they are: they
are compressed already, or are served with their length for a download's progress.
"""

from django.http import FileResponse
from django.middleware.gzip import GZipMiddleware
from whitenoise.middleware import WhiteNoiseMiddleware

# Media types worth compressing; anything else (PDF, DOCX, XLSX, images, archives) is not.
COMPRESSIBLE = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/ld+json",
        "application/xml",
        "image/svg+xml",
    }
)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with the collected copies (and their .br/.gz) ahead of the apps'
    source files, and a hashed name cached for a year (what browsers keep at most)."""

    FOREVER = 365 * 24 * 60 * 60

    def add_files_from_finders(self):
        collected = dict(self.files)
        super().add_files_from_finders()
        self.files.update(collected)


class CompressionMiddleware(GZipMiddleware):
    """gzip for pages and other text (with Django's BREACH counter), never for files."""

    def process_response(self, request, response):
        media_type = response.get("Content-Type", "").partition(";")[0].strip().lower()
        if isinstance(response, FileResponse) or not (
            media_type.startswith("text/") or media_type in COMPRESSIBLE
        ):
            return response
        return super().process_response(request, response)
