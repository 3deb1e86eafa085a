"""Register of housing units and their places."""

from housing.web.units.routes import bp

__all__ = ["bp"]
