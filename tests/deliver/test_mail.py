"""The reports by mail, once per recipient and data version, against a real PostgreSQL and a real SMTP server."""

from __future__ import annotations

import logging
import os

import pytest
from airflow.sdk import ObjectStoragePath

from inpres.data_version import data_version
from inpres.deliver.mail import SendFailed, desk_addresses, pelapor_addresses, send_report, send_reports

DISTRIBUSI = ["Menko@kemenkopmk.example", "deputi@kemenkopmk.example"]
MALUKU = ["disnaker@malukuprov.example", "bappeda@malukuprov.example"]
SULTENG = ["disnakertrans@sultengprov.example"]
EVERY_ADDRESS = [a.lower() for a in DISTRIBUSI + MALUKU + SULTENG]


@pytest.fixture
def reports(tmp_path, monkeypatch):
    """A run folder with the national PDF and workbook and two province PDFs; the mail lists configured."""
    folder = ObjectStoragePath((tmp_path / "output" / "2022-10" / "manual__1").as_uri())
    folder.mkdir(parents=True, exist_ok=True)
    contents = {
        "laporan_nasional_2022-10.pdf": b"%PDF-1.7 nasional " + os.urandom(2000),
        "laporan_nasional_2022-10.xlsx": b"PK\x03\x04 " + os.urandom(3000),
        "provinsi/laporan_provinsi_81_2022-10.pdf": b"%PDF-1.7 maluku " + os.urandom(1000),
        "provinsi/laporan_provinsi_72_2022-10.pdf": b"%PDF-1.7 sulteng " + os.urandom(1000),
    }
    paths = {}
    for relative, content in contents.items():
        path = folder.joinpath(*relative.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        paths[relative] = path
    alamat = tmp_path / "alamat_provinsi.csv"
    alamat.write_text(
        "kode_provinsi,email\n" + "".join(f"81,{a}\n" for a in MALUKU) + "".join(f"72,{a}\n" for a in SULTENG),
        encoding="utf-8",
    )
    monkeypatch.setenv("INPRES_DISTRIBUSI", ", ".join(DISTRIBUSI))
    monkeypatch.setenv("INPRES_ALAMAT_PROVINSI", str(alamat))
    return {
        "folder": folder,
        "nasional": [paths["laporan_nasional_2022-10.pdf"], paths["laporan_nasional_2022-10.xlsx"]],
        "provinsi": {
            "81": paths["provinsi/laporan_provinsi_81_2022-10.pdf"],
            "72": paths["provinsi/laporan_provinsi_72_2022-10.pdf"],
        },
        "bytes": {path.name: contents[relative] for relative, path in paths.items()},
    }


def _send(conn, reports, version):
    return send_reports(
        conn,
        reports["folder"],
        periode="2022-10",
        version=version,
        national_files=reports["nasional"],
        provinsi_files=reports["provinsi"],
    )


def _attachments(message) -> dict[str, bytes]:
    return {
        part.get_filename(): part.get_payload(decode=True)
        for part in message.walk()
        if part.get_content_disposition() == "attachment"
    }


def _body(message) -> str:
    return "".join(
        part.get_payload(decode=True).decode() for part in message.walk() if part.get_content_type() == "text/html"
    )


def _our_log(caplog) -> str:
    """Everything logged on our side (the test SMTP server's own log, `mail.log`, quotes addresses)."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))


def _by_recipient(messages) -> dict[str, object]:
    out = {}
    for recipients, message in messages:
        assert len(recipients) == 1, "every recipient gets a mail of their own"
        out[recipients[0]] = message
    return out


def test_national_report_to_the_list_each_province_pdf_to_its_own_addresses(
    conn, smtp_server, reports, caplog, load_submission
):
    load_submission(conn, b"ambon")
    version = data_version(conn, "manual__1")
    caplog.set_level(logging.DEBUG)

    assert _send(conn, reports, version) == {"nasional": 2, "provinsi_72": 1, "provinsi_81": 2}

    mails = _by_recipient(smtp_server.messages)
    assert len(smtp_server.messages) == 5 and set(mails) == set(EVERY_ADDRESS)
    nasional = {a: m for a, m in mails.items() if m["X-Inpres-Jenis"] == "nasional"}
    assert set(nasional) == {a.lower() for a in DISTRIBUSI}
    for message in nasional.values():
        assert _attachments(message) == {
            name: reports["bytes"][name] for name in ("laporan_nasional_2022-10.pdf", "laporan_nasional_2022-10.xlsx")
        }
        assert "Oktober 2022" in message["Subject"] and version.short in message["Subject"]
        assert version.input_hash in _body(message) and "Oktober 2022" in _body(message)
        assert message["X-Inpres-Versi-Data"] == version.input_hash
    for kode, addresses in (("81", MALUKU), ("72", SULTENG)):
        province = {a: m for a, m in mails.items() if m["X-Inpres-Jenis"] == f"provinsi_{kode}"}
        assert set(province) == set(addresses)
        name = f"laporan_provinsi_{kode}_2022-10.pdf"
        for message in province.values():
            assert _attachments(message) == {name: reports["bytes"][name]}
            assert "Oktober 2022" in message["Subject"] and version.short in message["Subject"]
    assert "Maluku" in mails[MALUKU[0]]["Subject"]

    recorded = conn.execute(
        "select jenis, periode, penerima, hash_masukan, run_id, lampiran from audit.pengiriman order by jenis, penerima"
    ).fetchall()
    assert len(recorded) == 5
    assert all(r[1:2] == ("2022-10",) and r[3:5] == (version.input_hash, "manual__1") for r in recorded)
    assert {r[2] for r in recorded if r[0] == "provinsi_81"} == set(MALUKU)
    # Personal data: the log has counts, never an address.
    assert "@" not in _our_log(caplog)


def test_the_same_data_is_sent_once_a_changed_one_again_as_a_revision(conn, smtp_server, reports, load_submission):
    load_submission(conn, b"ambon")
    first = data_version(conn, "scheduled__1")
    _send(conn, reports, first)
    assert len(smtp_server.messages) == 5

    # Re-running the night on the same data (another run id): nobody is mailed again.
    again = data_version(conn, "manual__2")
    assert _send(conn, reports, again) == {"nasional": 0, "provinsi_72": 0, "provinsi_81": 0}
    assert len(smtp_server.messages) == 5

    # A late file arrives: the revised reports go out again, marked as a revision of what they replace.
    load_submission(conn, b"palu, terlambat", pelapor="72.71")
    revised = data_version(conn, "scheduled__3")
    assert revised.input_hash != first.input_hash
    assert _send(conn, reports, revised) == {"nasional": 2, "provinsi_72": 1, "provinsi_81": 2}
    new = smtp_server.messages[5:]
    assert len(new) == 5
    for _, message in new:
        assert message["Subject"].startswith("[Revisi] ") and revised.short in message["Subject"]
        assert first.short in _body(message)
    assert conn.execute("select count(*) from audit.pengiriman").fetchone()[0] == 10


def test_a_new_address_on_the_list_gets_the_report_the_others_already_have(
    conn, smtp_server, reports, monkeypatch, load_submission
):
    load_submission(conn, b"ambon")
    version = data_version(conn, "r1")
    _send(conn, reports, version)
    monkeypatch.setenv("INPRES_DISTRIBUSI", ", ".join([*DISTRIBUSI, "staf.khusus@kemenkopmk.example"]))
    assert _send(conn, reports, version)["nasional"] == 1
    [(recipients, message)] = smtp_server.messages[5:]
    assert recipients == ["staf.khusus@kemenkopmk.example"]
    assert not message["Subject"].startswith("[Revisi]")


def test_a_refused_recipient_fails_the_call_and_only_they_are_mailed_by_the_re_run(
    conn, smtp_server, reports, caplog, load_submission
):
    load_submission(conn, b"ambon")
    version = data_version(conn, "r1")
    smtp_server.refuse = {MALUKU[1]}
    with pytest.raises(SendFailed) as failed:
        _send(conn, reports, version)
    assert "provinsi_81" in str(failed.value) and "SMTPRecipientsRefused" in str(failed.value)
    assert failed.value.sent == {"nasional": 2, "provinsi_72": 1, "provinsi_81": 1}
    assert len(smtp_server.messages) == 4
    assert "@" not in _our_log(caplog) + str(failed.value)

    smtp_server.refuse = set()
    assert _send(conn, reports, version) == {"nasional": 0, "provinsi_72": 0, "provinsi_81": 1}
    assert [r for r, _ in smtp_server.messages[4:]] == [[MALUKU[1]]]


def test_without_a_mail_list_nothing_is_sent_and_nothing_fails(
    conn, smtp_server, reports, monkeypatch, caplog, load_submission
):
    load_submission(conn, b"ambon")
    monkeypatch.delenv("INPRES_DISTRIBUSI")
    monkeypatch.delenv("INPRES_ALAMAT_PROVINSI")
    assert _send(conn, reports, data_version(conn, "r1")) == {}
    assert smtp_server.messages == []
    assert "INPRES_DISTRIBUSI" in caplog.text
    assert conn.execute("select count(*) from audit.pengiriman").fetchone()[0] == 0


def test_without_a_mail_list_no_smtp_connection_is_needed(conn, reports, monkeypatch):
    monkeypatch.delenv("INPRES_DISTRIBUSI")
    monkeypatch.delenv("INPRES_ALAMAT_PROVINSI")
    monkeypatch.delenv("AIRFLOW_CONN_SMTP_DEFAULT", raising=False)
    assert _send(conn, reports, data_version(conn, "r1")) == {}


def test_a_province_without_an_address_is_logged_by_code_and_not_sent(
    conn, smtp_server, reports, tmp_path, monkeypatch, caplog
):
    alamat = tmp_path / "alamat_81.csv"
    alamat.write_text(
        "\ufeffkode_provinsi,email\n81,disnaker@malukuprov.example\n99,x@y.example\n81,bukan-alamat\n", encoding="utf-8"
    )
    monkeypatch.setenv("INPRES_ALAMAT_PROVINSI", str(alamat))
    monkeypatch.delenv("INPRES_DISTRIBUSI")
    result = _send(conn, reports, data_version(conn, "r1"))
    assert result == {"provinsi_81": 1}
    assert [r for r, _ in smtp_server.messages] == [["disnaker@malukuprov.example"]]
    assert "72" in caplog.text and "row 3" in caplog.text and "row 4" in caplog.text
    assert "@" not in _our_log(caplog)


def test_send_report_sends_what_it_is_given_once(conn, smtp_server, reports):
    kwargs = dict(
        kind="nasional",
        periode="2022-10",
        version=data_version(conn, "r1"),
        subject="Laporan Oktober 2022",
        body="Yth. Bapak/Ibu,\n\nTerlampir <laporan>.",
        attachments=reports["nasional"][:1],
        recipients=["A@example.org", "a@example.org"],
    )
    assert send_report(conn, **kwargs) is True
    assert send_report(conn, **kwargs) is False
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["a@example.org"] and message["Subject"] == "Laporan Oktober 2022"
    assert "Terlampir &lt;laporan&gt;." in _body(message)


def test_the_pelapor_addresses_are_read_by_code_as_officers_write_it(tmp_path, monkeypatch, caplog):
    alamat = tmp_path / "alamat_pelapor.csv"
    alamat.write_text(
        "kode_pelapor,Email\n8171,Disnaker@ambon.example\n 81.71 ,operator@ambon.example\n"
        "81,disnaker@malukuprov.example\n3171234567890123,x@y.example\n99.99,z@y.example\n72.71,bukan-alamat\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("INPRES_ALAMAT_PELAPOR", str(alamat))
    monkeypatch.setenv("INPRES_ALAMAT_MEJA", "Meja@kemenkopmk.example; bukan-alamat")

    assert pelapor_addresses() == {
        "81.71": ["disnaker@ambon.example", "operator@ambon.example"],
        "81": ["disnaker@malukuprov.example"],
    }
    assert desk_addresses() == ["meja@kemenkopmk.example"]
    # The rows ignored are named by number; a NIK typed as a code is not repeated.
    assert all(f"row {n}" in caplog.text for n in (5, 6, 7)) and "3171********0123" in caplog.text
    assert "3171234567890123" not in caplog.text and "@" not in _our_log(caplog)
