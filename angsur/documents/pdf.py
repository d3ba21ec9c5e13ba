"""Render a Django template to PDF with WeasyPrint (no network: templates carry their own CSS)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict:
    """Refuse every external resource: PDFs must not reach the network."""
    raise ValueError(f"external resource refused: {url[:60]}")


def render_pdf(template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """Return the PDF bytes for a template."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
