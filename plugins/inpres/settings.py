"""What the nightly job reads from its environment; defaults serve a fresh clone."""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from inpres.paths import DEFAULT_OUTPUT, SAMPLE_INBOX

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

# A night talks to the warehouse, the inbox/output store and the mail server, nothing else: Cosmos
# (Scarf), dbt (Snowplow) and GX would otherwise report usage over the internet. Set wherever Airflow
# or dbt runs (inpres.run, inpres.dbt_cli, the tests, the Docker image and compose file).
NO_TELEMETRY = {
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "False",
    "SCARF_NO_ANALYTICS": "true",
    "DO_NOT_TRACK": "1",
}


def _location(variable: str, default: Path) -> ObjectStoragePath:
    return location(os.environ.get(variable) or str(default))


def location(value: str) -> ObjectStoragePath:
    """A URL ObjectStoragePath understands (s3://…, file://…) or a plain local path."""
    from airflow.sdk import ObjectStoragePath

    if re.match(r"^[a-z][a-z0-9+.-]*://", value):
        return ObjectStoragePath(value)
    return ObjectStoragePath(Path(value).absolute().as_uri())


def inbox() -> ObjectStoragePath:
    return _location("INPRES_INBOX", SAMPLE_INBOX)


def bpjs_inbox() -> ObjectStoragePath:
    """Where BPJS Ketenagakerjaan's extracts arrive; by default `bpjs/` inside the inbox."""
    return _location("INPRES_BPJS_INBOX", Path()) if os.environ.get("INPRES_BPJS_INBOX") else inbox() / "bpjs"


def today() -> date:
    """Today in Jakarta: what "a period in the future" is measured against."""
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()


def output() -> ObjectStoragePath:
    return _location("INPRES_OUTPUT", DEFAULT_OUTPUT)


# A month as the DAG's `periode` parameter and INPRES_PERIODE write it.
MONTH = r"\d{4}-(0[1-9]|1[0-2])"


def month(value: str | None, name: str) -> str | None:
    """`value` as a month `YYYY-MM`, or None when empty; `name` says where it came from in the refusal."""
    value = (value or "").strip()
    if value and not re.fullmatch(MONTH, value):
        raise ValueError(f"{name}={value!r} is not a month written YYYY-MM")
    return value or None


def periode() -> str | None:
    """The month to report (`INPRES_PERIODE`, `YYYY-MM`); None means the latest with submissions. A run's
    `periode` parameter comes first (nightly.decide_periode)."""
    return month(os.environ.get("INPRES_PERIODE"), "INPRES_PERIODE")


# Rp 10 triliun: no cell of a month's report comes near it (a large kabupaten's yearly budget for two million
# pekerja rentan at Rp 16.800 a month is Rp 0,4 triliun; DKI Jakarta's whole APBD is about Rp 80 triliun a
# year), while a NIK typed into an amount reads as Rp 1.100 triliun or more.
MAX_RUPIAH_DEFAULT = 10**13


def max_rupiah() -> int:
    """The largest amount one cell may carry (`INPRES_MAX_RUPIAH`, whole Rupiah)."""
    value = os.environ.get("INPRES_MAX_RUPIAH", "").strip().replace(".", "").replace("_", "")
    if value and not value.isdigit():
        raise ValueError(f"INPRES_MAX_RUPIAH={value!r} is not a whole number of Rupiah")
    return int(value) if value else MAX_RUPIAH_DEFAULT


def karantina() -> ObjectStoragePath:
    """Where rejected files are copied with their reasons (`INPRES_KARANTINA`).

    By default `karantina/` beside the output folder: never inside the inbox, which may be read-only (an
    object store the regions write to), and not inside the output, which is published.
    """
    if os.environ.get("INPRES_KARANTINA"):
        return _location("INPRES_KARANTINA", Path())
    return output().parent / "karantina"


def tanda_terima() -> ObjectStoragePath:
    """Where the receipts (tanda terima) of intake are kept, a folder per day of arrival (`INPRES_TANDA_TERIMA`).

    By default `tanda_terima/` beside the output folder, like the quarantine: they name the regions' files and
    quote their rejected cells, so they are not published with the reports.
    """
    if os.environ.get("INPRES_TANDA_TERIMA"):
        return _location("INPRES_TANDA_TERIMA", Path())
    return output().parent / "tanda_terima"


# Reports, logs and the quarantine carry personal data (names of regional officers' files, rejected rows):
# by default only the account that runs the night may read them.
UMASK_DEFAULT = "077"


def umask() -> int:
    """The file-creation mask of the night (`INPRES_UMASK`, octal, e.g. `022` to let the group and others read)."""
    value = os.environ.get("INPRES_UMASK", "").strip() or UMASK_DEFAULT
    if not re.fullmatch(r"0?[0-7]{3}", value):
        raise ValueError(f"INPRES_UMASK={value!r} is not a file-creation mask written in octal, such as 077 or 022")
    return int(value, 8)


def apply_umask() -> None:
    """Everything this process (and what it starts) creates from now on follows `INPRES_UMASK`."""
    os.umask(umask())


def run_folder_name(run_id: str) -> str:
    """A night's folder under `<output>/<periode>/`: run ids carry ':' and '+', which some object stores and
    Windows shares refuse."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)
