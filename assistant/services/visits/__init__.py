"""Visits: types and deadlines, due visits, planning, booking, outcomes, notices."""
