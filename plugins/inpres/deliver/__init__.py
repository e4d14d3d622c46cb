"""Delivery stage: what a night hands over, the run folder's manifest.json and the reports by mail."""
