"""The audit log: one line on the "jianbao.audit" logger per status change of an issue,
a department item or a score month, next to the transition rows kept in the database."""

from __future__ import annotations

import logging

from django.db import models, transaction

logger = logging.getLogger("jianbao.audit")


def log_transition(*, actor, obj: models.Model, old: str, new: str, comment: str = "") -> None:
    """Log `obj` moving from `old` to `new` ("" is its creation) once the change commits.

    Called where the change is written, inside its transaction: a step that rolls back
    leaves no line.
    """
    who = f"{actor.get_username()} (#{actor.pk})" if actor is not None else "system"
    what = f"{obj._meta.model_name} #{obj.pk} {obj}"
    extra = {
        "actor": getattr(actor, "pk", None),
        "object": f"{obj._meta.label_lower}:{obj.pk}",
        "old_status": old,
        "new_status": new,
        "comment": comment,
    }
    transaction.on_commit(
        lambda: logger.info("%s: %s → %s by %s", what, old or "—", new, who, extra=extra)
    )
