"""Tests of the outbox and its worker."""
