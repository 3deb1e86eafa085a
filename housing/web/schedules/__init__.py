"""Weekly support schedules: plan a week, adjust it by hand, publish, re-plan."""

from housing.web.schedules.routes import bp

__all__ = ["bp"]
