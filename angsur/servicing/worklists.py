"""Servicing's worklists, registered in the one registry (org/worklists.py) when the app is ready.

BOOKS_TO_MAKE's items are applications, a kind the home page and GET /api/worklist already show
(WorklistOut declares its key: the home page and the API show the same lists). Contract lists (a CMO's
overdue young contracts, reversals waiting for the branch manager) need a "contracts" row shape in both first.
"""

from django.utils.translation import gettext_lazy as _

from angsur.org.roles import Capability
from angsur.org.scoping import user_can
from angsur.org.worklists import Worklist
from angsur.servicing import selectors

BOOKS_TO_MAKE = Worklist(
    "books_to_make",
    _("Approved applications to book"),
    "applications",
    lambda user: user_can(user, Capability.CONTRACT_BOOK),
    lambda user, today: list(selectors.books_to_make(viewer=user).select_related("dealer")[:50]),
    empty=_("Nothing to book."),
    order=15,
)

# Registered by ServicingConfig.ready (WorklistOut declares books_to_make).
WORKLISTS: tuple[Worklist, ...] = (BOOKS_TO_MAKE,)
