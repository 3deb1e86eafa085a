"""Offers: the decision to print and the young person's answer."""

from housing.web.offers.routes import bp

__all__ = ["bp"]
