"""Read-through caches of configuration that is read on every request and changed rarely.

Two things are looked up on every API call and almost never change: the user behind a bearer token,
and a product's pricing terms (rate card, its lines and fees, the regulatory minimum-DP table).
Loading them through the ORM costs several queries and 1–4 ms per request (bench/quote_endpoint.py);
this module keeps them in the memory of the process for a short time.

Invalidation is by *generation*: every cached key includes a counter for its family (``auth``,
``pricing``) kept in Django's cache (``CACHES['default']``, ``DJANGO_CACHE_URL``), and a change to
any model of the family bumps the counter (post_save / post_delete signals in the apps' ``ready()``,
explicit calls after queryset updates), so the next read misses and reloads. The bump happens at
once and again when the transaction commits, so no reader can re-cache the old rows in between.

With the default per-process cache (LocMem) a change is seen at once by the process that made it and
by the others within ``ANGSUR_CONFIG_CACHE_SECONDS`` (default 30 s). The counters then live in a plain
dict of the process: a per-process cache holds nothing another process could read, and a LocMem read
takes a lock and unpickles (~4 µs, twice per quote request). A deployment with several processes
that wants changes seen everywhere at once points ``DJANGO_CACHE_URL`` at a shared cache.
``ANGSUR_CONFIG_CACHE_SECONDS=0`` turns the caches off. Writes (saving a quote, pricing an application,
a decision) never read from these caches: they load their terms from the database in their transaction.
"""

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

_PREFIX = "angsur:gen:"
_MAX_ENTRIES = 4096

# Values live in this process (no pickling on every read); only the generation counters are read
# from Django's cache when it is shared, so a change is visible to every process at once.
_local: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


def ttl_seconds() -> int:
    return int(getattr(settings, "ANGSUR_CONFIG_CACHE_SECONDS", 30))


def _fresh_generation() -> int:
    # Time-based, so a counter that was evicted (or a restarted shared cache) never repeats an old value.
    return time.time_ns() // 1000


# Generations of a per-process cache backend, kept here (see the module docstring).
_generations: dict[str, int] = {}
_shared: bool | None = None


def _cache_is_shared() -> bool:
    """Tell whether CACHES['default'] can be seen by other processes (not LocMem, not Dummy)."""
    global _shared
    if _shared is None:
        _shared = not isinstance(caches["default"], LocMemCache | DummyCache)
    return _shared


@receiver(setting_changed)
def _on_setting_changed(setting: str, **kwargs: object) -> None:
    global _shared
    if setting == "CACHES":
        _shared = None


def generation(family: str) -> int:
    """The current generation of a family of cached configuration."""
    if not _cache_is_shared():
        value = _generations.get(family)
        if value is None:
            with _lock:
                value = _generations.setdefault(family, _fresh_generation())
        return value
    key = _PREFIX + family
    value = cache.get(key)
    if value is None:
        cache.add(key, _fresh_generation(), timeout=None)
        value = cache.get(key, 0)
    return value


def _bump(family: str) -> None:
    if not _cache_is_shared():
        with _lock:
            _generations[family] = max(_generations.get(family, 0) + 1, _fresh_generation())
        return
    key = _PREFIX + family
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (never read, or evicted)
        cache.set(key, _fresh_generation(), timeout=None)


def invalidate(family: str) -> None:
    """Make every cached value of the family stale, now and again when the transaction commits."""
    _bump(family)
    transaction.on_commit(lambda: _bump(family))


def invalidate_on_change(family: str, model_classes: list[type[models.Model]], *, ignore: Callable[..., bool] | None = None) -> None:
    """Invalidate the family whenever a row of these models is saved or deleted (``ignore(**signal_kwargs)``
    may pass over a change that cannot affect the cached values). Call from an app's ``ready()``."""

    def handler(sender: type[models.Model], **kwargs: object) -> None:
        if ignore is None or not ignore(**kwargs):
            invalidate(family)

    for model in model_classes:
        uid = f"angsur.caching.{family}.{model._meta.label}"
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}.save")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}.delete")


def clear() -> None:
    """Forget every value cached in this process (tests; the generations make this unnecessary otherwise)."""
    with _lock:
        _local.clear()
        _generations.clear()


def cached[T](family: str, key: str, build: Callable[[], T]) -> T:
    """Return the cached value for ``key`` in the family's current generation, building it on a miss.

    The value is shared by every thread of the process, so it must be immutable (or copied by the
    caller before use). ``build`` may raise; nothing is cached then. ``None`` is not cached either.
    """
    ttl = ttl_seconds()
    if ttl <= 0:
        return build()
    full_key = f"{family}:{generation(family)}:{key}"
    now = time.monotonic()
    hit = _local.get(full_key)
    if hit is not None and hit[0] > now:
        return hit[1]  # type: ignore[return-value]
    value = build()
    if value is not None:
        with _lock:
            if len(_local) >= _MAX_ENTRIES:
                # Old generations and expired entries are never read again: drop them all at once.
                _local.clear()
            _local[full_key] = (now + ttl, value)
    return value
