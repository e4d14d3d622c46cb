"""Intake: from the inbox to the raw schema, one transaction per submission."""
