"""A night calls out to nothing but its warehouse, store and mail server: no usage statistics, anywhere."""

from __future__ import annotations

import socket
import urllib.request

import psycopg
import pytest

from inpres.paths import PROJECT_ROOT
from inpres.settings import NO_TELEMETRY

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class CalledOut(AssertionError):
    pass


@pytest.fixture
def outbound(monkeypatch) -> list[str]:
    """Every host anything in this process tries to resolve or connect to, other than loopback; refused."""
    tried: list[str] = []
    getaddrinfo, connect, connect_ex = socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex

    def refuse(host) -> None:
        tried.append(str(host))
        raise CalledOut(f"tried to reach {host}")

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK and host is not None:
            refuse(host)
        return getaddrinfo(host, *args, **kwargs)

    def guarded(original):
        def call(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
                refuse(address[0])
            return original(self, address)

        return call

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded(connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(connect_ex))
    return tried


def test_the_guard_sees_a_call_out(outbound):
    with pytest.raises(CalledOut):
        urllib.request.urlopen("https://astronomer.gateway.scarf.sh/", timeout=1)
    assert outbound == ["astronomer.gateway.scarf.sh"]


def test_a_gate_with_its_data_docs_and_a_dbt_run_reach_only_the_warehouse(warehouse, tmp_path, outbound):
    from inpres.quality.gate import run_gate
    from inpres.transform import run_dbt
    from inpres.warehouse import dbt_env

    with psycopg.connect(warehouse) as conn:
        conn.execute("""insert into raw.submission (submission_id, file_name, sha256, format, pelapor, periode,
                                                    received_at)
                        values (1, '81.71_2022-10.xlsx', 'x', 'xlsx', '81.71', '2022-10', now())""")
        conn.execute("""insert into raw.kepesertaan (submission_id, baris, kode_wilayah, segmen, sasaran, terlindungi)
                        values (1, 2, '81.71', 'pekerja_rentan', 70000, 40000)""")

    run_gate("raw_kepesertaan", warehouse, "malam-1", tmp_path / "docs")
    with dbt_env(warehouse):
        run_dbt("run", "--select", "stg_inbox__submissions", target=tmp_path / "target")
    assert outbound == []


def test_make_the_image_and_the_compose_stack_run_without_telemetry():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    compose = (PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for key, value in NO_TELEMETRY.items():
        assert f"export {key} := {value}" in makefile, key
        assert f"{key}={value}" in dockerfile, key
        assert f"{key}: " in compose, key
