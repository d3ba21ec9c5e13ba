"""The end-of-day screens (issue 11)."""

from django.urls import path

from angsur.servicing import eod_views

urlpatterns = [
    path("eod/", eod_views.eod_overview, name="eod_overview"),
    path("eod/start/", eod_views.eod_start_view, name="eod_start"),
]
