"""The governor's feedback: a short PDF for each province (its `document`), and the province's section in
the national report's annex (`annex`). What they say is in content/province.py.
"""

from __future__ import annotations

from datetime import datetime

from inpres.data_version import DataVersion
from inpres.reports.build import Document, cover_info
from inpres.reports.content import province as content
from inpres.reports.content import register
from inpres.reports.content.wording import POIN_KEPATUHAN
from inpres.reports.figures import Figures
from inpres.reports.formatting import format_periode
from inpres.reports.pdf import table_pdf
from inpres.reports.tables import STATUS_WORDS, Table, hide, select


def annex(f: Figures, by_name: dict[str, Table], w: dict) -> dict:
    """The province's section in the national report's annex: one line when it has no figures."""
    kode = w["kode_wilayah"]
    if not content.has_laporan(f, kode):
        return {
            "kode": kode,
            "name": w["nama_wilayah"],
            "summary": [["Laporan", content.tanpa_laporan_sentence(f, kode)]],
            "kabupaten_kota": None,
            "klaim": table_pdf(select(by_name["klaim"], lambda r: False), csv=False),
            "register": _register(f, by_name, kode),
        }
    # The province-wide claims: a page, not the dozens each kab/kota's rows would fill (they are in the workbook).
    klaim = select(by_name["klaim"], lambda r: r["kode_wilayah"] == kode)
    kabkota = content.kabupaten_kota(f, by_name, kode)
    return {
        "kode": kode,
        "name": w["nama_wilayah"],
        "summary": content.summary(f, kode),
        "kabupaten_kota": table_pdf(kabkota, csv=False) if kabkota else None,
        "klaim": table_pdf(klaim, csv=False),
        "register": _register(f, by_name, kode),
    }


def _register(f: Figures, by_name: dict[str, Table], kode: str) -> dict:
    """The province's double counting and unverified claims: its rows and the pairs involving its governments."""
    wilayah, ganda = register.of_province(by_name, kode)
    if not wilayah.rows:
        return {"ada": False, "kalimat": register.register_sentence(f, kode)}
    return {
        "ada": True,
        "kalimat": register.register_sentence(f, kode),
        "wilayah": table_pdf(hide(wilayah, "kode_wilayah"), csv=False),
        "ganda": table_pdf(ganda, csv=False),
    }


def document(f: Figures, by_name: dict[str, Table], w: dict, *, version: DataVersion, created: datetime) -> Document:
    """The governor's PDF: provinsi/laporan_provinsi_<kode>_<periode>.pdf."""
    kode = w["kode_wilayah"]
    periode = format_periode(f.periode)
    skor = next((r for r in f.kepatuhan if r["kode_wilayah"] == kode), None)
    poin = (
        [[label, STATUS_WORDS.get(skor[f"status_{p}"], skor[f"status_{p}"])] for p, label in POIN_KEPATUHAN.items()]
        if skor
        else []
    )
    with_figures = any(r["kode_wilayah"] == kode for r in f.cakupan)
    kabkota = content.kabupaten_kota(f, by_name, kode)
    return Document(
        stem=f"provinsi/laporan_provinsi_{kode}_{f.periode}",
        template="provinsi.typ",
        title=f"Umpan Balik Pemantauan Inpres 2/2021 — {w['nama_wilayah']}",
        cover=cover_info(periode, version, created)[1:3],
        data={
            "provinsi": w["nama_wilayah"],
            "periode": periode,
            "summary": content.summary(f, kode, for_governor=True)
            if content.has_laporan(f, kode)
            else [
                ["Laporan", content.tanpa_laporan_sentence(f, kode)],
                ["Pembanding nasional", content.benchmark_sentence(f)],
            ],
            "standing": table_pdf(content.standing_table(f, kode), csv=False) if with_figures else None,
            "comparison": table_pdf(content.benchmark_table(f, kode), csv=False) if with_figures else None,
            "blockers": content.blockers(f, kode, created),
            "poin": poin,
            "kabupaten_kota": table_pdf(hide(kabkota, "kode_wilayah"), csv=False) if kabkota else None,
            "belum_pernah": [content.pemerintah_name(r) for r in f.belum_pernah if r["kode_provinsi"] == kode],
            "selisih": table_pdf(content.selisih(f, by_name, kode), csv=False),
            "penolakan": table_pdf(content.penolakan(by_name, kode), csv=False),
            "register": _register(f, by_name, kode),
        },
    )
