"""Personal API tokens: a secret shown once, stored only as its SHA-256 digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal token that authenticates its owner as ``Authorization: Bearer <token>``.

    The token reads ``qadam_<prefix>_<secret>``: ``prefix`` (stored, unique) finds the row with one
    index lookup, ``digest`` is the SHA-256 of the whole token. A plain hash is enough because the
    secret is 256 random bits, not a password a person chose: there is nothing to guess, and a slow
    hash would only slow every request. Revoked tokens are kept (``revoked_at``) so that the audit
    log's references to them stay meaningful.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})" if self.name else self.prefix

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
