"""One gate, configured by suite name: run a GX suite from expectations/ against its warehouse table.

The suite file says which table it guards (`meta.gate.table`) and which columns identify a row
(`meta.gate.index_columns`); each expectation says whether it is `blocking` (stops the report) or a
`warning` (goes into the report's annex) in `meta.severity`. Every outcome is kept in
`audit.validation_result`, and GX renders its Data Docs as static HTML for each run, made to work
offline and to show a gate that passed with warnings as such (`data_docs.py`).
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import parse_qsl, urlencode, urlsplit

from inpres import catalogue, wilayah
from inpres.paths import EXPECTATIONS
from inpres.privacy import has_nik, mask_nik
from inpres.quality.data_docs import make_offline, mark_passed_with_warnings
from inpres.warehouse import connect, libpq_url

log = logging.getLogger(__name__)

SAMPLE_ROWS = 5
BLOCKING, WARNING = "blocking", "warning"


@dataclass(frozen=True)
class Outcome:
    suite: str
    expectation: str
    rule: str
    severity: str
    success: bool
    unexpected_count: int
    sample: list[dict]

    def line(self) -> str:
        rows = "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in self.sample)
        more = (
            f" (and {self.unexpected_count - len(self.sample)} more)"
            if self.unexpected_count > len(self.sample)
            else ""
        )
        # The samples are masked when taken (_plain); the line is masked again since it is what gets logged.
        return mask_nik(
            f"{self.severity.upper()} gate {self.suite}: {self.expectation} [{self.rule}] failed on "
            f"{self.unexpected_count} row(s): {rows}{more}"
        )


class GateFailed(Exception):
    def __init__(self, suite: str, blocking: list[Outcome]):
        self.suite = suite
        self.outcomes = blocking
        super().__init__(f"gate {suite} failed: " + " | ".join(o.line() for o in blocking))


def load_suite(name: str) -> dict:
    return json.loads((EXPECTATIONS / f"{name}.json").read_text(encoding="utf-8"))


def parameters() -> dict:
    """Values the suites refer to as {"$PARAMETER": ...}: reference data and thresholds, kept out of the suites.

    The reference lists come from where the rest of the project reads them: `kode_wilayah_dikenal` from the
    wilayah seeds (inpres.wilayah), `segmen_dikenal` from the segment seed (inpres.catalogue); the thresholds
    from expectations/thresholds.json."""
    thresholds = json.loads((EXPECTATIONS / "thresholds.json").read_text(encoding="utf-8"))
    return {
        "kode_wilayah_dikenal": sorted(wilayah.kode_dikenal()),
        "segmen_dikenal": list(catalogue.SEGMEN),
        **{k: v for k, v in thresholds.items() if not k.startswith("_")},
    }


def with_thresholds(expectations: list[dict], values: dict) -> list[dict]:
    """Put the thresholds into custom SQL: GX takes a $PARAMETER only as a whole kwarg, so a number
    inside an `unexpected_rows_query` is written `$name` there and substituted here. An unknown name
    raises KeyError: a misspelt threshold stops the gate instead of running a different rule."""
    numbers = {k: v for k, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    filled = []
    for expectation in expectations:
        query = expectation.get("kwargs", {}).get("unexpected_rows_query")
        if isinstance(query, str):
            expectation = {
                **expectation,
                "kwargs": {**expectation["kwargs"], "unexpected_rows_query": Template(query).substitute(numbers)},
            }
        filled.append(expectation)
    return filled


# How each expectation reads in the Data Docs, in place of GX's generated sentence: our rule and what a
# failure of it does (GX's own page would call any failure "Failed").
TINGKAT = {BLOCKING: "blocking: a failure stops the report", WARNING: "warning: the report goes out and lists it"}


def _for_gx(expectations: list[dict]) -> list[dict]:
    """GX's own severity from ours, so what GX stores says which failures stop the night, and a description
    naming the rule and its severity for the Data Docs."""
    converted = []
    for expectation in expectations:
        meta = expectation.get("meta") or {}
        severity = meta.get("severity", BLOCKING)
        converted.append(
            {
                **expectation,
                "severity": "warning" if severity == WARNING else "critical",
                "description": f"{meta.get('aturan') or expectation['type']} ({TINGKAT[severity]})",
            }
        )
    return converted


def validate(suite_name: str, url: str, docs: Path | None = None) -> list[Outcome]:
    """Run the suite and return every expectation's outcome; with `docs`, write GX Data Docs there."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    spec = load_suite(suite_name)
    gate = spec["meta"]["gate"]
    schema, table = gate["table"].split(".")
    with tempfile.TemporaryDirectory(prefix="gx-") as project:
        context = gx.get_context(mode="file", project_root_dir=project)
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = context.data_sources.add_postgres("warehouse", connection_string=_sqlalchemy_url(url, schema))
        batch = source.add_table_asset(table, table_name=table).add_batch_definition_whole_table("all")
        suite = context.suites.add(
            gx.ExpectationSuite(
                name=spec["name"],
                expectations=_for_gx(with_thresholds(spec["expectations"], parameters())),
                meta={"description": gate.get("description", "")},
            )
        )
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite_name, data=batch, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=suite_name,
                validation_definitions=[definition],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")] if docs else [],
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": gate["index_columns"]},
            )
        )
        result = checkpoint.run(expectation_parameters=parameters())
        if docs:
            site = Path(project) / "gx" / "uncommitted" / "data_docs" / "local_site"
            shutil.copytree(site, docs, dirs_exist_ok=True)
            make_offline(docs)
    [validation] = result.run_results.values()
    outcomes = [_outcome(suite_name, r) for r in validation.results]
    failed = [o for o in outcomes if not o.success]
    if docs and failed and all(o.severity == WARNING for o in failed):
        mark_passed_with_warnings(docs, TINGKAT[WARNING])
    return outcomes


def _sqlalchemy_url(url: str, schema: str) -> str:
    """The warehouse for SQLAlchemy (psycopg 3), with the guarded table's schema first on the search path:
    GX 1.x takes a table's schema from the connection, not from the asset."""
    parts = urlsplit(libpq_url(url))
    pairs = parse_qsl(parts.query)
    options = " ".join([v for k, v in pairs if k == "options"] + [f"-csearch_path={schema},public"])
    query = [(k, v) for k, v in pairs if k != "options"] + [("options", options)]
    return parts._replace(scheme="postgresql+psycopg", query=urlencode(query)).geturl()


def _outcome(suite_name: str, result) -> Outcome:
    config = result.expectation_config
    meta = config.meta or {}
    if (error := _exception(result.exception_info)) is not None:
        raise RuntimeError(
            mask_nik(f"gate {suite_name}: {config.type} [{meta.get('aturan', '')}] could not run: {error}")
        )
    details = result.result or {}
    sample = details.get("unexpected_index_list") or details.get("details", {}).get("unexpected_rows") or []
    return Outcome(
        suite=suite_name,
        expectation=config.type,
        rule=meta.get("aturan", ""),
        severity=meta.get("severity", BLOCKING),
        success=bool(result.success),
        unexpected_count=int(details.get("unexpected_count") or details.get("observed_value") or 0)
        if not result.success
        else 0,
        sample=[_plain(row) for row in list(sample)[:SAMPLE_ROWS]],
    )


def _exception(info: dict | None) -> str | None:
    """The error an expectation raised, if any. Column expectations report it at the top of
    `exception_info`; query expectations (unexpected_rows_expectation) per metric, one level down."""
    for entry in [info or {}, *(v for v in (info or {}).values() if isinstance(v, dict))]:
        if entry.get("raised_exception"):
            return str(entry.get("exception_message"))
    return None


def _plain(row) -> dict:
    """GX hands back rows as dicts (or tuples); keep them JSON-able for the audit table, and with no NIK in
    clear (UU 27/2022): a sample quotes the values of a failing row, and a NIK typed where it does not belong
    is what makes a row fail. A masked number becomes text."""
    if not isinstance(row, dict):
        row = {"nilai": row}
    return {mask_nik(str(k)): _masked(v) for k, v in row.items()}


def _masked(value):
    if isinstance(value, (bool, type(None))):
        return value
    if isinstance(value, (int, float)):
        return mask_nik(str(value)) if has_nik(str(value)) else value
    return mask_nik(str(value))


def record(run_id: str, outcomes: list[Outcome], url: str | None = None) -> None:
    with connect(url) as conn, conn.cursor() as cursor:
        cursor.executemany(
            """insert into audit.validation_result
                   (run_id, suite, expectation, aturan, severity, success, unexpected_count, sample)
               values (%s, %s, %s, %s, %s, %s, %s, %s)""",
            [
                (
                    run_id,
                    o.suite,
                    o.expectation,
                    o.rule,
                    o.severity,
                    o.success,
                    o.unexpected_count,
                    json.dumps(o.sample),
                )
                for o in outcomes
            ],
        )


def run_gate(suite_name: str, url: str, run_id: str, docs: Path | None = None) -> list[Outcome]:
    """Validate, keep every outcome, log one line per failure; stop the run on a blocking one."""
    outcomes = validate(suite_name, url, docs)
    record(run_id, outcomes, url)
    failed = [o for o in outcomes if not o.success]
    for outcome in failed:
        (log.error if outcome.severity == BLOCKING else log.warning)("%s", outcome.line())
    blocking = [o for o in failed if o.severity == BLOCKING]
    if blocking:
        raise GateFailed(suite_name, blocking)
    log.info("gate %s passed (%d expectation(s), %d warning(s))", suite_name, len(outcomes), len(failed))
    return outcomes
