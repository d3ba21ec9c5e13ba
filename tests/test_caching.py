"""The configuration cache: generations, invalidation at once and on commit, TTL, nothing cached on failure."""

import pytest
from django.db import transaction

from angsur import caching


class Counter:
    def __init__(self, value: object = "v") -> None:
        self.calls = 0
        self.value = value

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def test_a_value_is_built_once_and_rebuilt_after_invalidation(db):
    build = Counter()
    assert caching.cached("t", "k", build) == "v"
    assert caching.cached("t", "k", build) == "v"
    assert build.calls == 1
    caching.invalidate("t")
    assert caching.cached("t", "k", build) == "v"
    assert build.calls == 2


def test_invalidating_one_family_leaves_the_others(db):
    a, b = Counter("a"), Counter("b")
    caching.cached("fa", "k", a)
    caching.cached("fb", "k", b)
    caching.invalidate("fa")
    caching.cached("fa", "k", a)
    caching.cached("fb", "k", b)
    assert (a.calls, b.calls) == (2, 1)


def test_failures_and_none_are_not_cached(db):
    def boom() -> str:
        raise ValueError("no")

    with pytest.raises(ValueError):
        caching.cached("t", "k", boom)
    none = Counter(None)
    caching.cached("t", "k", none)
    caching.cached("t", "k", none)
    assert none.calls == 2


def test_values_expire_after_the_ttl(db, settings, monkeypatch):
    settings.ANGSUR_CONFIG_CACHE_SECONDS = 30
    now = [1000.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: now[0])
    build = Counter()
    caching.cached("t", "k", build)
    now[0] += 29
    caching.cached("t", "k", build)
    assert build.calls == 1
    now[0] += 2
    caching.cached("t", "k", build)
    assert build.calls == 2


def test_a_ttl_of_zero_turns_the_cache_off(db, settings):
    settings.ANGSUR_CONFIG_CACHE_SECONDS = 0
    build = Counter()
    caching.cached("t", "k", build)
    caching.cached("t", "k", build)
    assert build.calls == 2


def test_a_value_cached_while_the_change_is_uncommitted_is_dropped_at_commit(db, django_capture_on_commit_callbacks):
    """A reader that caches the old rows between the change and its commit must not keep them."""
    old, new = Counter("old"), Counter("new")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        caching.invalidate("t")
        assert caching.cached("t", "k", old) == "old"  # another reader still sees the committed rows
    assert caching.cached("t", "k", new) == "new"


def test_an_evicted_generation_does_not_revive_old_values(db, monkeypatch):
    """With a shared cache (Redis, Memcached) the generations live there and may be evicted."""
    from django.core.cache import cache

    monkeypatch.setattr(caching, "_shared", True)
    build = Counter()
    caching.cached("t", "k", build)
    cache.delete("angsur:gen:t")  # evicted, or a shared cache restarted
    caching.cached("t", "k", build)
    assert build.calls == 2


def test_a_shared_cache_carries_the_generations_between_processes(db, monkeypatch):
    """Another process bumps the counter in the shared cache: this one's next read misses."""
    from django.core.cache import cache

    monkeypatch.setattr(caching, "_shared", True)
    build = Counter()
    caching.cached("t", "k", build)
    cache.incr("angsur:gen:t")  # what invalidate() does in the other process
    caching.cached("t", "k", build)
    assert build.calls == 2


def test_a_per_process_cache_keeps_the_generations_in_the_process(db, monkeypatch):
    """LocMem (the default) is private to the process: its counters are not read through Django's cache."""
    from django.core.cache import cache

    assert caching._cache_is_shared() is False
    build = Counter()
    caching.cached("t", "k", build)
    monkeypatch.setattr(cache, "get", lambda *a, **k: pytest.fail("read the cache"))
    caching.cached("t", "k", build)
    caching.invalidate("t")
    caching.cached("t", "k", build)
    assert build.calls == 2


def test_a_dummy_cache_still_invalidates(db, settings):
    """The dummy backend stores nothing; a change must still reach the next read at once."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    build = Counter()
    caching.cached("t", "k", build)
    caching.cached("t", "k", build)
    caching.invalidate("t")
    caching.cached("t", "k", build)
    assert build.calls == 2
