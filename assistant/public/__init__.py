"""Public pages anyone can read (SPEC 4.1): the service's pages, adhesion, the score test."""

from assistant.public import adhesion, pages, score  # noqa: F401  (each registers its routes on bp)
from assistant.public.blueprint import bp

__all__ = ["bp"]
