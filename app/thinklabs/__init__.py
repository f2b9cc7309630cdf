"""The `thinklabs` blueprint."""
