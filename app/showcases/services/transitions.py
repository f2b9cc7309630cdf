"""A showcase's history: every change of state is recorded with who made it and why."""

from app.models import Showcase, ShowcaseStatus, ShowcaseTransition, User
from app.showcases.queries.rules import NOTE_MAX


def record_transition(
    showcase: Showcase, to_status: ShowcaseStatus, actor: User | None, note: str = ""
):
    """Move ``showcase`` to ``to_status`` and record the transition."""
    transition = ShowcaseTransition(
        from_status=showcase.status, to_status=to_status, actor=actor, note=note[:NOTE_MAX]
    )
    showcase.transitions.append(transition)
    showcase.status = to_status
    return transition
