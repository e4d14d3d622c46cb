"""Where the project's own files are, wherever it is checked out or mounted."""

from __future__ import annotations

import os
from pathlib import Path

# plugins/inpres/paths.py -> the repository (or /opt/airflow in the image)
PROJECT_ROOT = Path(os.environ.get("INPRES_PROJECT_ROOT", Path(__file__).resolve().parents[2]))
DBT_PROJECT = PROJECT_ROOT / "dbt_project"
DBT_MANIFEST = DBT_PROJECT / "target" / "manifest.json"
EXPECTATIONS = PROJECT_ROOT / "expectations"
SAMPLE_INBOX = PROJECT_ROOT / "sample_inbox"
DEFAULT_OUTPUT = PROJECT_ROOT / "output"
