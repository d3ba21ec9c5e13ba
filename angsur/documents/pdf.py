"""Render a Django template to PDF with WeasyPrint, without the network.

Templates carry their own CSS and embed images as ``data:`` URIs; the fetcher allows that
protocol only, so neither http(s) nor file URLs are ever read.
"""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """Return the PDF bytes for a template."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
