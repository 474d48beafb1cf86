"""Follow-up: which kind of medical follow-up a worker is under (SIR, SIA, SI) and why."""
