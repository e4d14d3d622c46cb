"""Inpres 2/2021 monitoring warehouse: ingest, quality gates, reports."""
