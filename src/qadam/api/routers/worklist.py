"""Worklist endpoints."""

from ninja import Router

router = Router(tags=["worklist"])
