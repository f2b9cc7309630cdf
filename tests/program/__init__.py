"""Tests of the public programme, session and speaker pages."""
