"""Business rules, with no Flask import: every caller (view, SMS handler, CLI, test) uses these."""
