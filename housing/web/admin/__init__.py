"""Administration: user accounts, the audit log and data-access reports."""

from housing.web.admin.routes import bp

__all__ = ["bp"]
