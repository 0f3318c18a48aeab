"""The menu link to the research export, shown to registry managers only."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from qadam.centers.selectors import is_registry_manager

register = template.Library()


@register.simple_tag
def research_menu_item(user: Any, nav: str = "") -> str:
    """A menu entry ``<li>`` for registry managers, nothing for anyone else."""
    if not is_registry_manager(user):
        return ""
    current = mark_safe(' aria-current="page"') if nav == "research" else ""  # noqa: S308 - a constant
    return format_html('<li><a href="{}"{}>{}</a></li>', reverse("research_export"), current, _("Research export"))
