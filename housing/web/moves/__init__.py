"""Moves: move-ins, move-outs, transfers and a unit's or county's alerts."""

from housing.web.moves.routes import bp

__all__ = ["bp"]
