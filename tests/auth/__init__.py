"""Tests of accounts: sign-up, confirmation, login, reset, the account page and the CLI."""
