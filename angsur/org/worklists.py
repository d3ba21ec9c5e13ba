"""One registry of worklists: each app contributes its lists, by capability; home page and API read it.

A worklist is what a person must act on next (surveys due, the analysis queue, rejections they may
appeal). Apps declare theirs in ``<app>/worklists.py`` and register them when the app is ready;
the home page (``web/home.py``) and ``GET /api/worklist`` both call ``collect``, so what a role
sees on screen and through the API is the same list, in the same order. Servicing and collection
add theirs the same way.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Worklist:
    """One list of work: who gets it, how it is read, how it is shown."""

    key: str  # stable: the API field and the page's data-testid
    title: Any  # translated (lazy) heading
    kind: str  # what its items are ("applications", "surveys"): picks the row shape and template
    applies: Callable[[Any], bool]  # does this person get the list (by capability or role)
    fetch: Callable[[Any, dt.date], Sequence[Any]]  # the items, for the person and their branch's day
    empty: Any = ""  # what the page says when the list is empty
    order: int = 100  # position on the page and in the API answer
    fallback: bool = False  # shown only to people who get no other list


_REGISTRY: dict[str, Worklist] = {}


def register(*worklists: Worklist) -> None:
    """Add worklists (an app calls this from its AppConfig.ready); a key is registered once."""
    for worklist in worklists:
        if worklist.key in _REGISTRY and _REGISTRY[worklist.key] is not worklist:
            raise ValueError(f"worklist '{worklist.key}' is registered twice")
        _REGISTRY[worklist.key] = worklist


def worklists_for(user: Any) -> list[Worklist]:
    """The worklists this person gets, in page order."""
    ordered = sorted(_REGISTRY.values(), key=lambda w: (w.order, w.key))
    own = [w for w in ordered if not w.fallback and w.applies(user)]
    return own or [w for w in ordered if w.fallback and w.applies(user)]


def collect(user: Any, today: dt.date) -> list[tuple[Worklist, list[Any]]]:
    """Each of the person's worklists with its items."""
    return [(worklist, list(worklist.fetch(user, today))) for worklist in worklists_for(user)]
