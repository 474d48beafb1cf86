"""The PDP cell (SPEC 4.7): requests for help (`cases`), who reads a case (`access`), the plan and
its limits, follow-ups and outcome (`plan`), the worker's consent and every disclosure to the
employer (`consent`)."""
