"""The end-of-day screens (issue 11)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
