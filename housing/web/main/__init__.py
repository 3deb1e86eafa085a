"""Front page (dashboard per role), language switch, health check."""

from housing.web.main.routes import bp

__all__ = ["bp"]
