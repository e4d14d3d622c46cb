"""Data-quality gates: Great Expectations suites run against the warehouse."""
