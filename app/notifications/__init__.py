"""The `notifications` blueprint: the organiser outbox, mail templates, people's choices."""
