"""The service path: a young person's referrals to other services."""

from housing.web.referrals.routes import bp

__all__ = ["bp"]
