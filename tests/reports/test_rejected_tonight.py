"""Which rejected files a night's report lists: those about its month, and every file rejected since the report
before it, whatever month it claims (a mistyped year would otherwise hide it from every report)."""

from __future__ import annotations

import psycopg

from inpres.reports.figures import REJECTED_TONIGHT


def _reject(conn, name: str, periode: str | None, days_ago: int) -> None:
    conn.execute(
        """insert into audit.penolakan (sumber, file_name, sha256, pelapor, periode, received_at, rejected_at, alasan)
           values ('laporan', %(name)s, %(name)s, '72.06', %(periode)s, now() - %(ago)s * interval '1 day',
                   now() - %(ago)s * interval '1 day', array['alasan'])""",
        {"name": name, "periode": periode, "ago": days_ago},
    )


def _listed(conn, periode: str, run_id: str) -> list[str]:
    return [r[0] for r in conn.execute(REJECTED_TONIGHT, {"periode": periode, "run_id": run_id})]


def test_a_report_lists_its_months_rejections_and_every_one_since_the_report_before(warehouse):
    with psycopg.connect(warehouse) as conn:
        _reject(conn, "72.06_2022-10.xlsx", "2022-10", days_ago=30)  # about the month, long ago
        _reject(conn, "72.06_2202-10.xlsx", "2202-10", days_ago=1)  # a mistyped year, since the last report
        _reject(conn, "72.06_2021-01.xlsx", "2021-01", days_ago=3)  # another month, before the last report
        _reject(conn, "tanpa_nama.xlsx", None, days_ago=40)  # no month could be read
        # The first report ever lists every rejection: all of them arrived since "the report before".
        assert _listed(conn, "2022-10", "malam_1") == [
            "72.06_2021-01.xlsx",
            "72.06_2022-10.xlsx",
            "72.06_2202-10.xlsx",
            "tanpa_nama.xlsx",
        ]
        conn.execute(
            "insert into audit.report_run (run_id, periode, written_at) values ('malam_1', '2022-10', "
            "now() - interval '2 days')"
        )

        assert _listed(conn, "2022-10", "malam_2") == ["72.06_2022-10.xlsx", "72.06_2202-10.xlsx", "tanpa_nama.xlsx"]
        # A night run again lists what it listed the first time (its own record does not count).
        assert "72.06_2021-01.xlsx" in _listed(conn, "2022-10", "malam_1")
        conn.execute("insert into audit.report_run (run_id, periode) values ('malam_2', '2022-10')")
        # The next night: only the month's own and the unreadable ones are left.
        assert _listed(conn, "2022-10", "malam_3") == ["72.06_2022-10.xlsx", "tanpa_nama.xlsx"]
