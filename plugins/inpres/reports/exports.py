"""The marts the ministry's data team uses, as CSV files beside the report (`data/`).

Each file is a mart as the database holds it for the report's month, written by PostgreSQL's own
`COPY … TO STDOUT (FORMAT csv)`: UTF-8, a header row, codes dotted, counts as plain integers, an empty
cell for unknown. The first columns are the ones the ministry asked for; the rest follow, as documented
in the dbt docs published beside the report.
"""

from __future__ import annotations

from airflow.sdk import ObjectStoragePath

from inpres.reports.csv_files import FORMULA_START

EXPORTS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # file: (mart, columns, order)
    "kepatuhan_wilayah.csv": (
        "marts.fct_kepatuhan_pelapor",
        (
            "kode_wilayah",
            "periode",
            "nama_wilayah",
            "tingkat",
            "kode_provinsi",
            "jenjang",
            "status_regulasi",
            "status_anggaran",
            "status_cakupan_pekerja_rentan",
            "status_cakupan_non_asn",
            "status_cakupan_perangkat_desa",
            "status_cakupan_penyelenggara_pemilu",
            "status_cakupan_pegawai_bumd",
            "status_bumd_terdaftar",
            "status_ptsp",
            "poin_diperoleh",
            "poin_maksimal",
            "skor",
            "peringkat",
            "jumlah_diperingkat",
        ),
        ("kode_wilayah",),
    ),
    "kelengkapan_laporan.csv": (
        "marts.fct_kelengkapan_laporan",
        (
            "kode_wilayah",
            "periode",
            "laporan_diharapkan",
            "laporan_diterima",
            "laporan_tepat_waktu",
            "nama_wilayah",
            "batas_lapor",
            "persen_diterima",
            "persen_tepat_waktu",
        ),
        ("kode_wilayah",),
    ),
    "rekonsiliasi_bpjs.csv": (
        "marts.fct_rekonsiliasi_bpjs",
        (
            "kode_wilayah",
            "periode",
            "segmen",
            "terlindungi",
            "peserta_aktif",
            "selisih",
            "nama_wilayah",
            "kode_provinsi",
            "selisih_persen",
            "melewati_toleransi",
        ),
        ("kode_wilayah", "segmen"),
    ),
    "klaim_wilayah.csv": (
        "marts.fct_klaim_wilayah",
        (
            "kode_wilayah",
            "periode",
            "program",
            "segmen",
            "kasus",
            "nilai_rp",
            "pemerintah_dihitung",
            "pemerintah_diharapkan",
            "nama_wilayah",
            "tingkat",
            "kode_provinsi",
            "kasus_kumulatif_tahun",
            "nilai_rp_kumulatif_tahun",
        ),
        ("kode_wilayah", "program", "segmen"),
    ),
    "non_asn_provinsi.csv": (
        "marts.fct_non_asn_provinsi",
        (
            "kode_wilayah",
            "periode",
            "nama_wilayah",
            "jumlah_kabupaten_kota",
            "kabupaten_kota_melapor",
            "kabupaten_kota_terlindungi_semua",
            "persen_terlindungi_semua",
        ),
        ("kode_wilayah",),
    ),
}


def write_exports(conn, periode: str, out: ObjectStoragePath) -> list[ObjectStoragePath]:
    """One CSV per mart, for `periode`, streamed from the database into `out/data/`."""
    (out / "data").mkdir(parents=True, exist_ok=True)
    written = []
    for name, (mart, columns, order) in EXPORTS.items():
        target = out / "data" / name
        query = (
            f"copy (select {', '.join(_cells(conn, mart, columns))} from {mart} where periode = %s "
            f"order by {', '.join(order)}) to stdout (format csv, header)"
        )
        with conn.cursor().copy(query, (periode,)) as copy, target.open("wb") as f:
            for chunk in copy:
                f.write(chunk)
        written.append(target)
    return written


def _cells(conn, mart: str, columns: tuple[str, ...]) -> list[str]:
    """The select list, its text columns escaped as csv_files.safe_text does, so no cell opens as a formula."""
    schema, table = mart.split(".")
    text = {
        row[0]
        for row in conn.execute(
            "select column_name from information_schema.columns where table_schema = %s and table_name = %s "
            "and data_type = 'text'",
            (schema, table),
        )
    }
    return [
        f"case when {c} ~ '{_FORMULA_START_REGEX}' then chr(39) || {c} else {c} end as {c}" if c in text else c
        for c in columns
    ]


# The same characters as a PostgreSQL regular expression; '-' last so it is not a range.
_FORMULA_START_REGEX = (
    "^[" + "".join({"\t": "\\t", "\r": "\\r"}.get(c, c) for c in sorted(FORMULA_START, key="-".__eq__)) + "]"
)
