"""Reports: equity, support delivered, caseload, occupancy and allocation quality."""

from housing.web.reports.routes import bp

__all__ = ["bp"]
