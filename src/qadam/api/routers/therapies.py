"""Therapies endpoints."""

from ninja import Router

router = Router(tags=["therapies"])
