"""The `agreements` blueprint."""
