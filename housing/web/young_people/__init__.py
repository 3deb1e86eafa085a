"""Register of young people (clients) in aftercare."""

from housing.web.young_people.routes import bp

__all__ = ["bp"]
