"""Organisations and their delegates: profiles, logos, invitations of colleagues."""
