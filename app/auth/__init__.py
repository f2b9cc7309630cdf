"""Accounts: sign-up, email confirmation, login, password reset and the account page."""
