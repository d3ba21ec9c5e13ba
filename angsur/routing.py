"""URL resolution by first path segment, for the API's flat list of routes.

django-ninja gives the API one flat list of URL patterns (112 today), and Django's resolver tries them in
order: a route near the end of the list (``/api/repossessions/<id>/finish``) paid ~31 µs more than
``/api/health`` per call only to be found, ``/api/quotes`` ~10 µs more, and every route added to the API made the ones
after it slower. :class:`SegmentIndexedResolver` resolves a path against the patterns whose literal first
segment is the path's, in their order: the same match, since patterns under another literal first segment
cannot match it. Reversing, the system checks and a path no index entry holds use the whole list, as
Django's own resolver does.
"""

from typing import Any

from django.urls import ResolverMatch, URLPattern, URLResolver
from django.urls.resolvers import RoutePattern


def _first_segment(text: str) -> str:
    """Return what comes before the first slash: a route's index key, and the key a path is looked up by."""
    return text.split("/", 1)[0]


class SegmentIndexedResolver(URLResolver):
    """A URLResolver whose resolve() tries only the routes under the path's first segment."""

    def __init__(self, prefix: str, patterns: list[Any], app_name: str | None = None, namespace: str | None = None):
        super().__init__(RoutePattern(prefix, is_endpoint=False), patterns, app_name=app_name, namespace=namespace)
        self.segment_index = self._build_index(prefix, patterns, app_name, namespace)

    @staticmethod
    def _build_index(prefix: str, patterns: list[Any], app_name: str | None, namespace: str | None) -> dict[str, URLResolver] | None:
        groups: dict[str, list[Any]] = {}
        for pattern in patterns:
            # Only plain path() routes can be filed by a literal segment; anything else keeps the whole list.
            if not isinstance(pattern, URLPattern) or not isinstance(pattern.pattern, RoutePattern):
                return None
            head = _first_segment(str(pattern.pattern))
            if "<" in head:  # led by a converter: not a literal segment
                return None
            groups.setdefault(head, []).append(pattern)
        return {
            head: URLResolver(RoutePattern(prefix, is_endpoint=False), group, app_name=app_name, namespace=namespace)
            for head, group in groups.items()
        }

    def resolve(self, path: str) -> ResolverMatch:
        if self.segment_index is not None:
            match = self.pattern.match(str(path))
            if match:
                resolver = self.segment_index.get(_first_segment(match[0]))
                if resolver is not None:
                    return resolver.resolve(path)
        return super().resolve(path)


def indexed_include(prefix: str, urls: tuple[list[Any], str | None, str | None]) -> SegmentIndexedResolver:
    """Mount an include-style triple (patterns, app_name, namespace), such as ninja's ``api.urls``, at prefix."""
    patterns, app_name, namespace = urls
    return SegmentIndexedResolver(prefix, list(patterns), app_name=app_name, namespace=namespace)
