"""Report stage: renders the national report (PDF + CSV) from the coverage mart."""

from inpres.reports.national import CoverageRow, RejectionRow, WarningRow, write_national_report

__all__ = ["CoverageRow", "RejectionRow", "WarningRow", "write_national_report"]
