"""Events the areas announce after a change, for listeners above them (webhooks).

An area sends its signal once the change is flushed, inside the same transaction, so a
listener that writes (a webhook delivery) commits or rolls back with the change.
Every signal is sent with the changed object as sender and ``actor`` (a user or None).
"""

from blinker import Namespace

events = Namespace()

showcase_submitted = events.signal("showcase.submitted")
# also ``decision``: the new status
showcase_decided = events.signal("showcase.decided")
session_scheduled = events.signal("session.scheduled")
session_changed = events.signal("session.changed")
session_cancelled = events.signal("session.cancelled")
# A session's bookable seats changed (its capacity or its room): its queue may move up.
session_seats_changed = events.signal("session.seats_changed")
# also ``from_status`` and ``to_status``
agreement_status_changed = events.signal("agreement.status_changed")
