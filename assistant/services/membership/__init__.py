"""Membership: adhesion, one-time codes, tariffs, staff accounts, member search, care teams."""
