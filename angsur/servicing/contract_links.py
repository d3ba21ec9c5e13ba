"""Links from the contract page to what other apps keep about the contract (its collection case, its remedial page).

Servicing sits below collection and remedial in the layers (tests/test_layers.py), so it cannot ask them.
They register a provider here when they start (their ``AppConfig.ready``), the way servicing registers its
own contracts with origination (``origination/exposure.py``); the contract page then asks each provider
for a link. A provider answers for the viewer: no link to what the viewer may not open. Without those apps
installed there are simply no links.
"""

from collections.abc import Callable
from typing import Any, NamedTuple


class ContractLink(NamedTuple):
    """A link of the contract page: the translated text and where it goes."""

    label: str
    url: str


# (viewer, contract) -> a link, or None when there is nothing to link to or the viewer may not see it.
# At most one query each: the contract page's query count stays bounded.
Provider = Callable[[Any, Any], ContractLink | None]

_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    """Add a provider under a stable key (its links' data-testid); called once per process from an AppConfig.ready."""
    if key in _providers and _providers[key] is not provider:
        raise ValueError(f"contract link '{key}' is registered twice")
    _providers[key] = provider


def contract_links(*, viewer: Any, contract: Any) -> list[tuple[str, ContractLink]]:
    """The links the viewer gets on this contract's page, as (key, link), in key order."""
    links = []
    for key in sorted(_providers):
        link = _providers[key](viewer, contract)
        if link is not None:
            links.append((key, link))
    return links
