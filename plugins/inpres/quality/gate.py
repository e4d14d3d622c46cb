"""One gate, configured by suite name: run a GX suite from expectations/ against its warehouse table.

The suite file says which table it guards (`meta.gate.table`) and which columns identify a row
(`meta.gate.index_columns`), so a failure can say exactly which rows broke which rule.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from inpres import wilayah
from inpres.paths import EXPECTATIONS
from inpres.warehouse import libpq_url

log = logging.getLogger(__name__)

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class Finding:
    suite: str
    expectation: str
    rule: str
    unexpected_count: int
    sample: list[dict]

    def line(self) -> str:
        rows = "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in self.sample)
        more = f" (and {self.unexpected_count - len(self.sample)} more)" if self.unexpected_count > len(self.sample) else ""
        return (f"gate {self.suite}: {self.expectation} [{self.rule}] failed on "
                f"{self.unexpected_count} row(s): {rows}{more}")


class GateFailed(Exception):
    def __init__(self, suite: str, findings: list[Finding]):
        self.findings = findings
        super().__init__(f"gate {suite} failed: " + " | ".join(f.line() for f in findings))


def load_suite(name: str) -> dict:
    return json.loads((EXPECTATIONS / f"{name}.json").read_text(encoding="utf-8"))


def parameters() -> dict:
    """Values the suites refer to as {"$PARAMETER": ...}, so reference data lives in one place."""
    return {"kode_wilayah_dikenal": sorted(wilayah.kode_dikenal())}


def validate(suite_name: str, url: str) -> list[Finding]:
    """Run the suite; return what failed (empty when the data passes)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    spec = load_suite(suite_name)
    gate = spec["meta"]["gate"]
    schema, table = gate["table"].split(".")
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_postgres(
        "warehouse", connection_string=libpq_url(url).replace("postgresql://", "postgresql+psycopg://", 1)
    )
    batch = source.add_table_asset(table, table_name=table, schema_name=schema).add_batch_definition_whole_table("all")
    suite = context.suites.add(gx.ExpectationSuite(name=spec["name"], expectations=spec["expectations"]))
    result = gx.ValidationDefinition(name=suite_name, data=batch, suite=suite).run(
        expectation_parameters=parameters(),
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": gate["index_columns"]},
    )
    findings = []
    for outcome in result.results:
        config = outcome.expectation_config
        if outcome.success:
            continue
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            raise RuntimeError(f"gate {suite_name}: {config.type} could not run: "
                               f"{outcome.exception_info.get('exception_message')}")
        details = outcome.result or {}
        findings.append(Finding(
            suite=suite_name,
            expectation=config.type,
            rule=(config.meta or {}).get("aturan", ""),
            unexpected_count=details.get("unexpected_count") or 0,
            sample=list(details.get("unexpected_index_list") or [])[:SAMPLE_ROWS],
        ))
    return findings


def run_gate(suite_name: str, url: str) -> None:
    """Log one readable line per failed expectation and stop the run if any failed."""
    findings = validate(suite_name, url)
    for finding in findings:
        log.error("%s", finding.line())
    if findings:
        raise GateFailed(suite_name, findings)
    log.info("gate %s passed", suite_name)
