"""Login, logout and the user's own password."""

from housing.web.auth.routes import bp

__all__ = ["bp"]
