"""A report drawn as a PDF or a DOCX by a background worker, followed while it runs so the
page can say where it stands (a long render is never a long request)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kenesh.monitoring.models.reporting import Report


def render_path(instance, filename):
    # A random name that says nothing of the report; the download names the file.
    return f"monitoring/renders/{uuid.uuid4().hex}"


class ReportRender(models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("render", "Queued")
        RUNNING = "running", pgettext_lazy("render", "Running")
        DONE = "done", pgettext_lazy("render", "Done")
        FAILED = "failed", pgettext_lazy("render", "Failed")

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="renders"
    )
    fmt = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # Whose view of the report the file holds (arithmetic.Audience): a donor's file never
    # holds what only staff may see, and is the only one a donor downloads.
    audience = models.CharField(_("audience"), max_length=10)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(_("file"), upload_to=render_path, blank=True, max_length=300)
    message = models.CharField(_("message"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report render")
        verbose_name_plural = _("report renders")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["report", "fmt", "-requested_at"], name="render_latest"),
        ]

    def __str__(self):
        return f"{self.report} ({self.fmt}) @ {self.requested_at:%Y-%m-%d %H:%M}: {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
