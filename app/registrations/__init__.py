"""Registrations: places at an edition, the waiting list, tickets, check-in, My agenda."""
