"""The county's waiting list for the housing coordinator."""

from housing.web.waitlist.routes import bp

__all__ = ["bp"]
