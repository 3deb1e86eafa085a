"""Housing applications: the form, the application page and the young person's sheet."""

from housing.web.applications.routes import bp

__all__ = ["bp"]
