"""The API's URL index (angsur.routing) resolves every path exactly as Django's linear resolver does."""

import re

import pytest
from django.urls import Resolver404, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from angsur.api import api
from angsur.routing import SegmentIndexedResolver, indexed_include

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _plain(urls: tuple) -> URLResolver:
    patterns, app_name, namespace = urls
    return URLResolver(RoutePattern("api/", is_endpoint=False), list(patterns), app_name=app_name, namespace=namespace)


def _sample_paths() -> list[str]:
    paths = []
    for pattern in api.urls[0]:
        route = str(pattern.pattern)
        paths.append("api/" + _CONVERTER.sub("7", route))
        paths.append("api/" + _CONVERTER.sub("abc", route))  # a converter that may refuse it
        paths.append("api/" + route + "/")  # a trailing slash no route has
    return paths + ["api/", "api/nothing-here", "api/quotes-x", "api/quotes/", "api//quotes", "api/Quotes", "other/quotes"]


def _outcome(resolver: URLResolver, path: str) -> tuple:
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return ("404",)
    return (match.func, match.args, match.kwargs, match.url_name, match.route, match.namespaces, match.app_names)


def test_every_api_path_resolves_as_the_linear_resolver_does() -> None:
    urls = api.urls  # one set of views for both (each read of api.urls builds new ones)
    indexed = indexed_include("api/", urls)
    plain = _plain(urls)
    assert indexed.segment_index is not None
    paths = _sample_paths()
    found = 0
    for path in paths:
        expected = _outcome(plain, path)
        assert _outcome(indexed, path) == expected, path
        found += expected != ("404",)
    assert found >= len(api.urls[0])  # every route was reached by one sample at least


def test_the_site_mounts_the_indexed_api() -> None:
    mounted = [p for p in get_resolver().url_patterns if isinstance(p, SegmentIndexedResolver)]
    assert len(mounted) == 1
    match = get_resolver().resolve("/api/quotes")
    assert match.url_name == "quote_create"
    assert reverse(f"{match.namespace}:quote_create") == "/api/quotes"


def test_a_path_tries_only_its_first_segments_routes() -> None:
    indexed = indexed_include("api/", api.urls)
    quotes = indexed.segment_index["quotes"]
    assert {str(p.pattern).split("/", 1)[0] for p in quotes.url_patterns} == {"quotes"}
    assert sum(len(r.url_patterns) for r in indexed.segment_index.values()) == len(api.urls[0])


def test_a_route_led_by_a_converter_turns_the_index_off() -> None:
    from django.urls import path

    def view(request):  # pragma: no cover - never called
        return None

    resolver = indexed_include("x/", ([path("a/<int:pk>", view, name="a"), path("<slug:s>/b", view, name="b")], None, None))
    assert resolver.segment_index is None
    assert resolver.resolve("x/a/3").url_name == "a"
    assert resolver.resolve("x/zz/b").url_name == "b"
    with pytest.raises(Resolver404):
        resolver.resolve("x/zz")
