"""The worker's day and the records of support visits."""

from housing.web.visits.routes import bp

__all__ = ["bp"]
