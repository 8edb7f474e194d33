"""State machines: who may do what to an object in which state, written down once.

A stateful model lists its steps in a TRANSITIONS table: step -> the states it starts
from, the state it leads to (None for work done within a state, such as editing) and the
roles that may take it. `obj.can(step, user)` is the one question views, access helpers,
templates and the admin ask; `transition()` is the one way a state changes. A model adds
rules of its own (the department's own item, an issue that still takes items) in
`refusal()`.

`user=None` is the system: a management command run by whoever operates the server. It
passes the role check, never the state check: a frozen thing stays frozen for it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.audit import log_transition


class WorkflowError(Exception):
    """A step that cannot be taken; the message is for the user."""


class Conflict(WorkflowError):
    """Someone else changed the object first."""


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]


def step(sources, target: str | None, *roles: str) -> Step:
    """A row of a TRANSITIONS table. No roles: only the system takes the step."""
    return Step(frozenset(sources), target, frozenset(roles))


class StateMachine:
    """Mixin for a model with a state field and a TRANSITIONS table."""

    TRANSITIONS: ClassVar[dict[str, Step]] = {}
    state_field: ClassVar[str] = "status"

    @property
    def state(self) -> str:
        return getattr(self, self.state_field)

    def state_label(self) -> str:
        return getattr(self, f"get_{self.state_field}_display")()

    def refusal(self, name: str, user) -> str | None:
        """Why `user` may not take step `name` now, or None when they may."""
        rule = self.TRANSITIONS[name]
        if self.state not in rule.sources:
            return _("This %(object)s is %(state)s: that cannot be done now.") % {
                "object": self._meta.verbose_name,
                "state": self.state_label(),
            }
        if user is not None and not self.has_role_for(name, user):
            return _("Your role does not allow this.")
        return self.refuses(name, user)

    def refuses(self, name: str, user) -> str | None:
        """The model's own rules beyond state and role (overridden where there are some)."""
        return None

    def has_role_for(self, name: str, user) -> bool:
        """Whether `user`'s role ever takes step `name` (in some state or other)."""
        if user is None:
            return True
        return user.is_authenticated and user.has_role(*self.TRANSITIONS[name].roles)

    def can(self, name: str, user) -> bool:
        return self.refusal(name, user) is None

    def require(self, name: str, user) -> None:
        reason = self.refusal(name, user)
        if reason is not None:
            raise WorkflowError(reason)

    def allowed(self, user) -> dict[str, bool]:
        """Every step and whether `user` may take it: what a template asks."""
        return {name: self.can(name, user) for name in self.TRANSITIONS}


def transition(obj: StateMachine, name: str, *, by, comment: str = "", **fields) -> None:
    """Take step `name`: check it, compare-and-set the state, record who did it.

    The update only happens if the state is still the one read (a double click or two
    people at once change nothing twice); the transition row is written in the same
    transaction and the audit line once it commits. `fields` are written with the state.
    """
    rule = obj.TRANSITIONS[name]
    if rule.target is None:
        raise ValueError(f"{name} is not a change of state")
    obj.require(name, by)
    model = type(obj)
    old = obj.state
    if any(f.name == "updated_at" for f in model._meta.fields):
        fields.setdefault("updated_at", timezone.now())
    with transaction.atomic():
        changed = model.objects.filter(pk=obj.pk, **{obj.state_field: old}).update(
            **{obj.state_field: rule.target}, **fields
        )
        if not changed:
            raise Conflict(
                _("Someone else has just changed this %(object)s. Reload the page.")
                % {"object": model._meta.verbose_name}
            )
        obj.transitions.create(actor=by, from_status=old, to_status=rule.target, comment=comment)
        log_transition(actor=by, obj=obj, old=old, new=rule.target, comment=comment)
    obj.refresh_from_db()


class TransitionRecord(models.Model):
    """A state change: who (empty: the system), when, from what to what, and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(gettext_lazy("at"), auto_now_add=True)
    from_status = models.CharField(gettext_lazy("from"), max_length=20, blank=True)
    to_status = models.CharField(gettext_lazy("to"), max_length=20)
    comment = models.TextField(gettext_lazy("comment"), blank=True)

    # The TextChoices whose values the two status fields hold (set by each subclass).
    statuses: ClassVar[type[models.TextChoices]]

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_label} → {self.to_label}"

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else _("system")

    @property
    def from_label(self) -> str:
        # An empty "from" is the object's creation (or, for a finding, no proposal yet).
        return self.statuses(self.from_status).label if self.from_status else "—"

    @property
    def to_label(self) -> str:
        return self.statuses(self.to_status).label
