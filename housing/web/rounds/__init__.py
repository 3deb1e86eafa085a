"""Allocation rounds: choosing, running, reviewing and deciding; the county's policy."""

from housing.web.rounds.routes import bp

__all__ = ["bp"]
