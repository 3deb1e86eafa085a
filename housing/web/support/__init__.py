"""The unit's staff (skills, working pattern, absences) and its residents' support plans."""

from housing.web.support.routes import bp

__all__ = ["bp"]
