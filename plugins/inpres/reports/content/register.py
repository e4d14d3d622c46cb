"""Double counting and unverified claims, from the register lists (daftar nama peserta): the persons behind a
region's terlindungi, each counted once, beside what is claimed; the pairs of governments listing the same persons;
the persons listed as protected whom BPJS Ketenagakerjaan's data does not show as active.

Shown only for a month some list arrived for; otherwise one sentence says none did.
"""

from __future__ import annotations

from dataclasses import replace

from inpres.reports.content.columns import column, columns
from inpres.reports.content.wording import TINGKAT, segmen_label, segmen_order
from inpres.reports.figures import Figures
from inpres.reports.formatting import format_number, format_periode
from inpres.reports.tables import Table, select

SEMUA = "semua"  # fct_register_wilayah's row over every segment, each person once
JENIS_GANDA = {
    "provinsi_dan_kabkota": "Provinsi dan kab/kotanya",
    "antar_kabkota": "Antar-kab/kota",
    "lain": "Lainnya",
}
MART_REGISTER = "marts.fct_register_wilayah"
MART_GANDA = "marts.fct_register_ganda"


def ada_register(f: Figures) -> bool:
    """Whether any register list arrived for the month."""
    return bool(f.register)


def tanpa_register_sentence(f: Figures) -> str:
    return f"Belum ada daftar nama peserta yang diterima untuk {format_periode(f.periode)}."


def _segmen(segmen: str) -> str:
    return "Semua segmen" if segmen == SEMUA else segmen_label(segmen)


def _order(r: dict):
    # Every segment's own rows first, then the row over all of them.
    return (tuple(r["kode_wilayah"].split(".")), r["segmen"] == SEMUA, segmen_order(r))


def register_wilayah(f: Figures) -> Table:
    rows = sorted(f.register, key=lambda r: (r["kode_wilayah"] != "00", *_order(r)))
    return Table(
        "register_wilayah",
        f"Orang unik dalam daftar nama dan angka yang diklaim, {format_periode(f.periode)}",
        (
            column("kode_provinsi", description="Kode provinsi; kosong untuk nasional.", in_pdf=False),
            column("kode_wilayah"),
            column("nama_wilayah"),
            column("tingkat", description="Nasional, provinsi (se-provinsi), kabupaten atau kota.", in_pdf=False),
            column("segmen", description="Segmen pekerja; Semua segmen: setiap orang satu kali atas semua segmen."),
            column("pelapor_berdaftar", in_pdf=False),
            *columns("terlindungi_diklaim", "orang_unik"),
            column(
                "selisih",
                label="Diklaim − orang",
                description="Diklaim − orang unik (positif: klaim melebihi orang yang ada dalam daftar).",
            ),
            *columns("orang_tercatat_ganda", "orang_tidak_aktif_bpjs"),
        ),
        [
            (
                r["kode_provinsi"],
                r["kode_wilayah"],
                r["nama_wilayah"],
                TINGKAT[r["tingkat"]],
                _segmen(r["segmen"]),
                r["pelapor_berdaftar"],
                r["terlindungi_diklaim"],
                r["orang_unik"],
                r["selisih"],
                r["orang_tercatat_ganda"],
                r["orang_tidak_aktif_bpjs"],
            )
            for r in rows
        ],
        note="Setiap orang (NIK) dihitung satu kali per baris, siapa pun dan berapa pun pelapor yang mencatatnya; "
        "angka nasional menghitung setiap orang satu kali. Diklaim: terlindungi yang dilaporkan untuk wilayah dan "
        "segmen yang sama, hanya yang ada daftar namanya.",
        sources=(MART_REGISTER,),
        sheet="Daftar nama",
    )


def register_ganda(f: Figures) -> Table:
    rows = sorted(f.register_ganda, key=lambda r: (-r["orang"], r["pelapor_a"], r["pelapor_b"]))
    return Table(
        "register_ganda",
        f"Pasangan pemerintah daerah yang mencatat orang yang sama, {format_periode(f.periode)}",
        (
            column("pelapor_a", in_pdf=False),
            column("nama_pelapor_a"),
            column("pelapor_b", in_pdf=False),
            column("nama_pelapor_b"),
            column("jenis_ganda"),
            column("orang"),
        ),
        [
            (
                r["pelapor_a"],
                r["nama_pelapor_a"],
                r["pelapor_b"],
                r["nama_pelapor_b"],
                JENIS_GANDA[r["jenis"]],
                r["orang"],
            )
            for r in rows
        ],
        note="Orang yang dicatat tiga pemerintah daerah masuk ke ketiga pasangannya.",
        sources=(MART_GANDA,),
        sheet="Dicatat ganda",
    )


def register_sentence(f: Figures, kode: str = "00") -> str:
    """What the lists show for the nation or a province, over all segments, in one sentence."""
    r = next((r for r in f.register if r["kode_wilayah"] == kode and r["segmen"] == SEMUA), None)
    month = format_periode(f.periode)
    if r is None:
        return (
            tanpa_register_sentence(f)
            if kode == "00"
            else f"Belum ada daftar nama peserta dari provinsi ini untuk {month}."
        )
    sentence = (
        f"Daftar nama dari {format_number(r['pelapor_berdaftar'])} pemerintah daerah untuk {month} memuat "
        f"{format_number(r['orang_unik'])} orang terlindungi (setiap orang dihitung satu kali)"
    )
    if r["terlindungi_diklaim"] is not None:
        sentence += f", sedangkan untuk wilayah yang sama diklaim {format_number(r['terlindungi_diklaim'])}"
    sentence += f"; {format_number(r['orang_tercatat_ganda'])} orang dicatat oleh lebih dari satu pemerintah daerah"
    if r["orang_tidak_aktif_bpjs"] is None:
        sentence += "; data peserta BPJS Ketenagakerjaan per orang untuk bulan ini belum diterima."
    else:
        sentence += (
            f", dan {format_number(r['orang_tidak_aktif_bpjs'])} orang tidak aktif menurut data BPJS "
            "Ketenagakerjaan (klaim yang belum terverifikasi)."
        )
    return sentence


def ringkasan(by_name: dict[str, Table]) -> Table:
    """The national section: the nation per segment and every province over all segments."""
    t = by_name["register_wilayah"]
    return replace(
        select(
            t,
            lambda r: (
                r["tingkat"] == TINGKAT["nasional"]
                or (r["tingkat"] == TINGKAT["provinsi"] and r["segmen"] == _segmen(SEMUA))
            ),
        ),
        title=t.title.replace("Orang unik", "Orang unik nasional dan per provinsi"),
    )


def of_province(by_name: dict[str, Table], kode: str) -> tuple[Table, Table]:
    """A province's own rows (province-wide and each kab/kota, over all segments) and the pairs involving any of
    its governments."""
    wilayah = by_name["register_wilayah"]
    ganda = by_name["register_ganda"]
    return (
        select(wilayah, lambda r: r["kode_provinsi"] == kode and r["segmen"] == _segmen(SEMUA)),
        select(ganda, lambda r: kode in (r["pelapor_a"].split(".")[0], r["pelapor_b"].split(".")[0])),
    )
