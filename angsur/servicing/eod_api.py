"""The end-of-day API (issue 11)."""

from ninja import Router

router = Router()
