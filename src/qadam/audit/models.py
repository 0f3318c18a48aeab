"""The append-only, hash-chained audit log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    SIGN = "sign", _("signed")
    AMEND = "amend", _("amended")
    VIEW = "view", _("viewed")
    DELETE = "delete", _("deleted")
    LOGIN = "login", _("logged in")
    EXPORT = "export", _("exported")


class AuditEntry(models.Model):
    """One event. ``entry_hash`` is SHA-256 over the canonical JSON of the entry and ``prev_hash``.

    Rows are only ever inserted (``qadam.audit.services.audit_record``); nothing in Qadam updates or
    deletes them, and ``audit_verify`` proves it.
    """

    Action = Action

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"))
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    # No foreign key: deleting a user must neither fail nor alter the log.
    actor_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    patient_registry_id = models.CharField(_("patient"), max_length=16, null=True, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_username} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The last sequence number and hash, in a single row.

    Appenders lock this row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers), so two
    entries can never claim the same place in the chain, and ``audit_verify`` compares it with the
    last entry to notice entries removed from the end of the log.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")]
