"""The `calendars` blueprint."""
