"""Everything the reports show, read from the marts (and the audit tables for rejections and warnings): the
month's figures for the monthly report (`load_figures`), the semester's for the semester report
(`load_semester`).

Only `select`s of stored figures: no sum, ratio or rank is computed here, so every figure in the PDF, the
workbook and the CSV files is one a data engineer can find in a mart with the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from psycopg.rows import dict_row

# The trend charts show this many months up to the report's month.
TREND_MONTHS = 13
SEMESTER_MONTHS = 6  # a semester report is final once this many of its months are in


@dataclass
class Figures:
    periode: str
    wilayah: list[dict]  # dim_wilayah: the 38 provinces and 514 kab/kota (the nation left out)
    cakupan: list[dict]  # fct_cakupan_wilayah for the month, every territory
    tren: list[dict]  # fct_cakupan_wilayah for the nation and provinces over the last TREND_MONTHS months
    kepatuhan: list[dict]  # fct_kepatuhan_pelapor for the month
    kelengkapan: list[dict]  # fct_kelengkapan_laporan for the month: provinces and the nation
    tren_kelengkapan: list[dict]  # fct_kelengkapan_laporan for the nation over the trend months
    laporan: list[dict]  # fct_laporan_pelapor for the month: each of the 552 pelapor's status
    belum_pernah: list[dict]  # fct_pelapor_belum_pernah_lapor
    rekonsiliasi: list[dict]  # fct_rekonsiliasi_bpjs for the month
    klaim: list[dict]  # fct_klaim_wilayah for the month
    non_asn: list[dict]  # fct_non_asn_provinsi for the month
    penolakan: list[dict] = field(default_factory=list)  # REJECTED_TONIGHT
    register: list[dict] = field(default_factory=list)  # fct_register_wilayah for the month
    register_ganda: list[dict] = field(default_factory=list)  # fct_register_ganda for the month
    # tonight's failed warning-level gate rules; a sample row about a raw submission row also names its
    # kode_wilayah, segmen, periode and pelapor
    peringatan: list[dict] = field(default_factory=list)

    def nasional(self, rows: list[dict]) -> list[dict]:
        return [r for r in rows if r["kode_wilayah"] == "00"]


def _rows(conn, query: str, params=()) -> list[dict]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        return cur.fetchall()


# The rejected files a report lists: those about its month (or about no month that could be read), and every file
# rejected since the report before it, whatever month it claims: a file whose month is mistyped (2202-10) or
# earlier than the Inpres would otherwise be filed under that month and appear in no report.
REJECTED_TONIGHT = """
    select file_name, pelapor, periode, alasan, received_at, rejected_at
    from audit.penolakan
    where periode = %(periode)s
       or periode is null
       or rejected_at > coalesce(
            (select max(written_at) from audit.report_run where run_id <> %(run_id)s), '-infinity'
        )
    order by file_name"""


def load_figures(conn, periode: str, run_id: str) -> Figures:
    trend_start = _rows(
        conn,
        "select min(periode) as p from (select periode from marts.dim_periode "
        "where periode <= %s order by periode desc limit %s) t",
        (periode, TREND_MONTHS),
    )[0]["p"]
    return Figures(
        periode=periode,
        wilayah=_rows(conn, "select * from marts.dim_wilayah where tingkat <> 'nasional' order by kode_wilayah"),
        cakupan=_rows(
            conn, "select * from marts.fct_cakupan_wilayah where periode = %s order by kode_wilayah, segmen", (periode,)
        ),
        tren=_rows(
            conn,
            "select * from marts.fct_cakupan_wilayah where periode between %s and %s "
            "and tingkat in ('nasional', 'provinsi') order by periode, kode_wilayah, segmen",
            (trend_start, periode),
        ),
        kepatuhan=_rows(
            conn, "select * from marts.fct_kepatuhan_pelapor where periode = %s order by kode_wilayah", (periode,)
        ),
        kelengkapan=_rows(
            conn, "select * from marts.fct_kelengkapan_laporan where periode = %s order by kode_wilayah", (periode,)
        ),
        tren_kelengkapan=_rows(
            conn,
            "select * from marts.fct_kelengkapan_laporan where kode_wilayah = '00' "
            "and periode between %s and %s order by periode",
            (trend_start, periode),
        ),
        laporan=_rows(
            conn, "select * from marts.fct_laporan_pelapor where periode = %s order by kode_wilayah", (periode,)
        ),
        belum_pernah=_rows(
            conn,
            "select b.*, w.nama_wilayah, w.tingkat, w.kode_provinsi "
            "from marts.fct_pelapor_belum_pernah_lapor b "
            "join marts.dim_wilayah w using (kode_wilayah) order by kode_wilayah",
        ),
        rekonsiliasi=_rows(
            conn,
            "select * from marts.fct_rekonsiliasi_bpjs where periode = %s order by kode_wilayah, segmen",
            (periode,),
        ),
        klaim=_rows(
            conn,
            "select * from marts.fct_klaim_wilayah where periode = %s order by kode_wilayah, program, segmen",
            (periode,),
        ),
        non_asn=_rows(
            conn, "select * from marts.fct_non_asn_provinsi where periode = %s order by kode_wilayah", (periode,)
        ),
        penolakan=_rows(conn, REJECTED_TONIGHT, {"periode": periode, "run_id": run_id}),
        register=_rows(
            conn,
            "select * from marts.fct_register_wilayah where periode = %s order by kode_wilayah, segmen",
            (periode,),
        ),
        register_ganda=_rows(
            conn,
            "select * from marts.fct_register_ganda where periode = %s order by pelapor_a, pelapor_b",
            (periode,),
        ),
        peringatan=[
            _with_regions(conn, r)
            for r in _rows(
                conn,
                "select suite, aturan, unexpected_count, sample from audit.validation_result "
                "where run_id = %s and not success and severity = 'warning' "
                "order by validation_id",
                (run_id,),
            )
        ],
    )


def _with_regions(conn, peringatan: dict) -> dict:
    """A gate on the raw tables names its rows by submission and sheet row; the report names regions, so
    each sample row gains the territory, segment, month and pelapor that row is about."""
    sample = peringatan["sample"] or []
    keys = [(s["submission_id"], s["baris"]) for s in sample if "submission_id" in s and "baris" in s]
    if not keys:
        return peringatan
    found = {
        (r["submission_id"], r["baris"]): r
        for r in _rows(
            conn,
            "select k.submission_id, k.baris, k.kode_wilayah, k.segmen, s.periode, s.pelapor "
            "from raw.kepesertaan k join raw.submission s using (submission_id) "
            "where (k.submission_id, k.baris) in (select * from unnest(%s::bigint[], %s::int[]))",
            ([k[0] for k in keys], [k[1] for k in keys]),
        )
    }
    detailed = [
        {
            **s,
            **{
                k: v
                for k, v in found.get((s.get("submission_id"), s.get("baris")), {}).items()
                if k not in ("submission_id", "baris")
            },
        }
        for s in sample
    ]
    return {**peringatan, "sample": detailed}


@dataclass
class SemesterFigures:
    """The semester of the report's month, from the semester marts."""

    tahun: int
    semester: int
    cakupan: list[dict]  # fct_cakupan_semester: nation and provinces
    kelengkapan: list[dict]  # fct_kelengkapan_semester: nation and provinces
    klaim: list[dict]  # fct_klaim_semester: nation and provinces
    tren: list[dict]  # fct_cakupan_wilayah: the nation, each month of the semester
    periode_awal: str = ""  # the semester's first month (dim_semester)
    periode_akhir: str = ""  # its last month with data so far
    bulan_tercakup: int = 0  # how many of its six months have happened
    jumlah_provinsi: int = 38

    @property
    def final(self) -> bool:
        """Whether all six months are in: the report is final, no longer provisional."""
        return self.bulan_tercakup == SEMESTER_MONTHS

    @property
    def key(self) -> str:
        """'2022_S2', for the files' names."""
        return f"{self.tahun}_S{self.semester}"


def load_semester(conn, periode: str) -> SemesterFigures:
    year, month = int(periode[:4]), int(periode[5:])
    semester = 1 if month <= 6 else 2
    key = (year, semester)
    where = "where tahun = %s and semester = %s and (tingkat in ('nasional', 'provinsi'))"
    dim = _rows(
        conn,
        "select periode_awal, periode_akhir, bulan_tercakup from marts.dim_semester where tahun = %s and semester = %s",
        key,
    )
    return SemesterFigures(
        tahun=year,
        semester=semester,
        cakupan=_rows(conn, f"select * from marts.fct_cakupan_semester {where} order by kode_wilayah, segmen", key),
        kelengkapan=_rows(
            conn,
            "select * from marts.fct_kelengkapan_semester where tahun = %s and semester = %s order by kode_wilayah",
            key,
        ),
        klaim=_rows(
            conn, f"select * from marts.fct_klaim_semester {where} order by kode_wilayah, program, segmen", key
        ),
        tren=_rows(
            conn,
            "select c.* from marts.fct_cakupan_wilayah c join marts.dim_periode p using (periode) "
            "where c.kode_wilayah = '00' and p.tahun = %s and p.semester = %s "
            "order by c.periode, c.segmen",
            key,
        ),
        **(dim[0] if dim else {}),
        jumlah_provinsi=_rows(conn, "select count(*) as n from marts.dim_wilayah where tingkat = 'provinsi'")[0]["n"],
    )
