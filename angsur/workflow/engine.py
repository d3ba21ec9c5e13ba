"""One lock-and-transition engine for every aggregate with states.

An aggregate (an application today; a contract, a collection case and an incentive statement next)
declares its workflow once, as a table of ``Transition`` rows: which states an action moves from and
to, the capability it needs, who among the holders may take it on this record, and the guards on
the record itself (one appeal only). From that one table come:

- ``allowed_actions(obj, actor)``: what the screens and the API offer, so neither offers an action
  the service then refuses for its state, role or guards;
- ``check`` / ``transition``: what the services enforce, in one order (capability, actor, state,
  guards), with the optimistic version bumped, ``save(update_fields=…)``, the audit row written in
  the same transaction, and side effects run only after commit;
- ``as_dot()``: the table drawn as Graphviz (``angsur workflow-graph``).

Locks are taken by ``lock``: parents first, then the record, each ``SELECT … FOR UPDATE OF`` its own
table only, in that fixed order everywhere, so two services never wait on each other in a cycle.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.errors import Conflict, PermissionDenied
from angsur.org.scoping import user_can

# Every declared workflow by name, for `angsur workflow-graph` (filled as the apps import their tables).
REGISTRY: dict[str, "Workflow"] = {}


@dataclass(frozen=True)
class Refusal:
    """Why an action is not open: a stable code, a translated message, and whose fault it is."""

    code: str
    message: str
    # "forbidden": the actor may not (403); "conflict": the record's state does not allow it (409).
    kind: str = "conflict"

    def error(self) -> PermissionDenied | Conflict:
        return PermissionDenied(self.code, self.message) if self.kind == "forbidden" else Conflict(self.code, self.message)


# A check on the actor for this record (ownership, branch, maker-checker, authority level), or on
# the record alone (a guard): None when it passes, else the refusal.
ActorCheck = Callable[[Any, Any], Refusal | None]
Guard = Callable[[Any], Refusal | None]


@dataclass(frozen=True)
class Transition:
    """One action of a workflow: the moves it makes and who may take it."""

    action: str
    moves: Mapping[str, str]  # source state -> target state
    capability: str | None = None  # the role capability it needs (None: any authenticated actor)
    actor_checks: tuple[ActorCheck, ...] = ()
    guards: tuple[Guard, ...] = ()
    # Another way to hold the right than the capability (e.g. a CMO assigning their own survey).
    also_allowed: ActorCheck | None = None


def forbidden(code: str, message: str) -> Refusal:
    return Refusal(code, message, "forbidden")


@dataclass
class Workflow:
    """A state machine over one model: the transition table and the engine that applies it."""

    name: str  # audit actions are "<name>.<action>"
    transitions: Sequence[Transition]
    # The 409 message for a state that does not allow the action; %(status)s is the state's label.
    invalid_message: Any = ""
    status_field: str = "status"
    version_field: str = "version"
    state_label: Callable[[str], str] = str
    _by_action: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_action = {t.action: t for t in self.transitions}
        if len(self._by_action) != len(self.transitions):
            raise ValueError(f"{self.name}: an action is declared twice")
        REGISTRY[self.name] = self

    # --- reading the table -------------------------------------------------------------------

    @property
    def actions(self) -> list[str]:
        return list(self._by_action)

    def next_status(self, action: str, current: str) -> str | None:
        """The state an action leads to from the current one, or None if the table has no such move."""
        transition = self._by_action.get(action)
        return transition.moves.get(current) if transition else None

    def sources(self, action: str) -> frozenset[str]:
        """The states an action may start from."""
        return frozenset(self._by_action[action].moves)

    def states(self) -> list[str]:
        seen: dict[str, None] = {}
        for transition in self.transitions:
            for source, target in transition.moves.items():
                seen.setdefault(source)
                seen.setdefault(target)
        return list(seen)

    # --- deciding ----------------------------------------------------------------------------

    def refusal(self, obj: Any, action: str, actor: Any | None) -> Refusal | None:
        """Why the actor may not take the action on obj now, or None if they may.

        The order is the services' order: the role's capability, the actor's relation to the
        record, then the record's state and guards. With no actor, only state and guards count.
        """
        transition = self._by_action.get(action)
        if transition is None:
            return Refusal("invalid_action", _("Unknown action."))
        if actor is not None:
            holds = transition.capability is None or user_can(actor, transition.capability)
            if not holds and transition.also_allowed is not None:
                holds = transition.also_allowed(obj, actor) is None
            if not holds:
                return forbidden("permission_denied", _("Your role is not allowed to do this."))
            for check in transition.actor_checks:
                refused = check(obj, actor)
                if refused is not None:
                    return refused
        current = getattr(obj, self.status_field)
        if current not in transition.moves:
            message = str(self.invalid_message or _("This step is not possible in the state '%(status)s'."))
            return Refusal("invalid_transition", message % {"status": self.state_label(current)})
        for guard in transition.guards:
            refused = guard(obj)
            if refused is not None:
                return refused
        return None

    def allowed_actions(self, obj: Any, actor: Any | None = None) -> list[str]:
        """The actions the actor may take on obj now: what screens and API offer."""
        return [t.action for t in self.transitions if self.refusal(obj, t.action, actor) is None]

    def check(self, obj: Any, action: str, actor: Any | None) -> str:
        """Raise the refusal (403 or 409) unless the action is open; return the target state."""
        refused = self.refusal(obj, action, actor)
        if refused is not None:
            raise refused.error()
        return self._by_action[action].moves[getattr(obj, self.status_field)]

    # --- applying ----------------------------------------------------------------------------

    def transition(
        self,
        obj: models.Model,
        action: str,
        *,
        actor: Any | None,
        fields: Iterable[str] = (),
        extra: dict[str, Any] | None = None,
        after_commit: Callable[[], None] | None = None,
        checked: bool = True,
    ) -> str:
        """Move obj along the table: new state, version + 1, saved fields, one audit row; hooks after commit.

        Call inside the service's transaction, on a record taken with ``lock``. ``checked=False``
        means the service already ran ``check`` before changing the record (the guards read the
        record as it was, e.g. the appeal count before this appeal): only the move itself is then
        checked.
        """
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("a workflow transition runs inside the service's transaction")
        if checked:
            target = self.check(obj, action, actor)
        else:
            move = self.next_status(action, getattr(obj, self.status_field))
            if move is None:
                raise self.refusal(obj, action, None).error()
            target = move
        before = {self.status_field: getattr(obj, self.status_field), self.version_field: getattr(obj, self.version_field)}
        setattr(obj, self.status_field, target)
        setattr(obj, self.version_field, getattr(obj, self.version_field) + 1)
        update = [self.status_field, self.version_field, *fields]
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            update.append("updated_at")
        obj.save(update_fields=list(dict.fromkeys(update)))
        audit_record(
            actor=actor,
            action=f"{self.name}.{action}",
            obj=obj,
            before=before,
            after={self.status_field: target, self.version_field: getattr(obj, self.version_field), **(extra or {})},
        )
        if after_commit is not None:
            transaction.on_commit(after_commit)
        return target

    # --- drawing -----------------------------------------------------------------------------

    def as_dot(self) -> str:
        """The workflow as a Graphviz digraph: one edge per move, labelled with the action and its capability."""
        lines = [f"digraph {self.name} {{", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
        for transition in self.transitions:
            label = transition.action + (f"\\n[{transition.capability}]" if transition.capability else "")
            if transition.guards:
                label += "\\n(" + ", ".join(g.__name__.strip("_") for g in transition.guards) + ")"
            for source, target in transition.moves.items():
                lines.append(f'  "{source}" -> "{target}" [label="{label}"];')
        lines.append("}")
        return "\n".join(lines)


def lock[M: models.Model](
    model: type[M],
    pk: Any,
    *,
    expected_version: int | None = None,
    parents: Sequence[tuple[type[models.Model], Any]] = (),
    version_field: str = "version",
    stale_message: Any = "",
) -> M:
    """Lock the parents (in the order given: outermost first), then the record; 409 on a stale version.

    ``of=("self",)`` locks only each model's own row even when the query joins others, so a lock
    never reaches a table another service locks in a different order.
    """
    for parent_model, parent_pk in parents:
        parent_model.objects.select_for_update(of=("self",)).only("pk").get(pk=parent_pk)
    obj = model.objects.select_for_update(of=("self",)).get(pk=pk)
    if expected_version is not None and getattr(obj, version_field) != expected_version:
        message = stale_message or _("Someone else changed this record in the meantime. Reload it and try again.")
        raise Conflict("stale_version", str(message))
    return obj


# --- transactions of services ------------------------------------------------------------------------------

_in_batch: ContextVar[bool] = ContextVar("angsur_in_batch", default=False)


@contextmanager
def batch() -> Iterator[None]:
    """One outer transaction around many service calls (the demo seed, set-based jobs, a test that
    rolls a step back): inside it services are not durable and commit with it, all or nothing.

    Usable as ``with batch():`` or as a decorator.
    """
    token = _in_batch.set(True)
    try:
        with transaction.atomic():
            yield
    finally:
        _in_batch.reset(token)


def service[F: Callable[..., Any]](func: F) -> F:
    """An outermost service: its own durable transaction (``transaction.atomic(durable=True)``).

    Durable, so that no caller wraps it in a longer transaction and rolls it back after its
    after-commit hooks (file removals, queued tasks) were promised; callers that mean to compose
    services say so with ``batch()``. Tests' own transactions (Django's TestCase) are allowed by
    Django itself.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with transaction.atomic(durable=not _in_batch.get()):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def durable() -> transaction.Atomic:
    """``with durable():`` — the transaction of a service written as a block: durable, except inside ``batch()``."""
    return transaction.atomic(durable=not _in_batch.get())
