"""Template v1 as a contract: typed rows out, and every reason a file breaks it.

Validation streams: rows are checked one at a time and handed on, so a long file needs no more memory
than a short one. The caller writes them inside a transaction and rolls back if any reason was found:
a file is rejected whole, never half-loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from inpres import settings, wilayah
from inpres.ingest import values
from inpres.ingest.reader import Formula, Sheet
from inpres.privacy import mask_nik

PERIODE_PERTAMA = "2021-04"  # the Inpres was signed on 25 March 2021
MAX_REASONS = 200


@dataclass(frozen=True)
class Alasan:
    """One reason a file was rejected, pointing at the cell to fix."""

    pesan: str
    lembar: str | None = None
    baris: int | None = None
    kolom: str | None = None

    def __str__(self) -> str:
        where = [
            f"lembar {self.lembar}" if self.lembar else None,
            f"baris {self.baris}" if self.baris else None,
            f"kolom {self.kolom}" if self.kolom else None,
        ]
        where_text = ", ".join(w for w in where if w)
        return f"{where_text}: {self.pesan}" if where_text else self.pesan


@dataclass
class Reasons:
    items: list[Alasan] = field(default_factory=list)
    dropped: int = 0

    def add(self, pesan: str, lembar: str | None = None, baris: int | None = None, kolom: str | None = None):
        # Every reason passes here on its way to the log, audit.penolakan, the quarantine and the reports.
        if len(self.items) < MAX_REASONS:
            self.items.append(Alasan(mask_nik(pesan), lembar and mask_nik(lembar), baris, kolom and mask_nik(kolom)))
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def texts(self) -> list[str]:
        texts = [str(a) for a in self.items]
        if self.dropped:
            texts.append(f"… dan {self.dropped} kesalahan lain dengan jenis serupa")
        return texts


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[object], object]
    required: bool = False
    non_negative: bool = False
    # What the cell should hold, as the template says it to a regional officer (quoted by a rejection's receipt).
    isi: str | None = None


# More people than Indonesia has: a typo, or a NIK typed into a count column (never quote it).
MAX_COUNT = 300_000_000


def _count(value):
    number = values.bilangan_bulat(value)
    if number is not None and number > MAX_COUNT:
        raise ValueError("angka lebih dari 300 juta orang; periksa kembali isian ini")
    return number


def _amount(value):
    """Whole Rupiah, refused above the ceiling: a NIK or an account number typed into an amount."""
    amount = values.rupiah(value)
    ceiling = settings.max_rupiah()
    if amount is not None and amount > ceiling:
        raise ValueError(
            f"jumlah lebih dari {values.rupiah_teks(ceiling)}, batas untuk satu isian; periksa "
            "kembali isian ini (bukan NIK atau nomor rekening?)"
        )
    return amount


def _choice(allowed, what, optional=False):
    return lambda v: values.pilihan(v, allowed, what, kosong_boleh=optional)


_SEGMEN_ISI = "salah satu dari: " + ", ".join(values.SEGMEN)
KEPESERTAAN = (
    Column(
        "kode_wilayah",
        values.kode_wilayah,
        required=True,
        isi="kode Kemendagri wilayah yang angkanya dilaporkan, misalnya 81.71: wilayah pelapor sendiri, atau "
        "(hanya untuk provinsi) salah satu kabupaten/kotanya",
    ),
    Column("segmen", values.segmen, required=True, isi=_SEGMEN_ISI),
    Column(
        "sasaran",
        _count,
        non_negative=True,
        isi="bilangan bulat 0 atau lebih, boleh kosong: jumlah pekerja di segmen ini yang harus dilindungi",
    ),
    Column(
        "terlindungi",
        _count,
        required=True,
        non_negative=True,
        isi="bilangan bulat 0 atau lebih, tidak lebih dari sasaran: pekerja di segmen ini yang menjadi peserta "
        "aktif BPJS Ketenagakerjaan pada akhir bulan",
    ),
    Column(
        "iuran_rp",
        _amount,
        non_negative=True,
        isi="bilangan bulat Rupiah 0 atau lebih, boleh kosong: iuran yang dibayarkan untuk mereka pada bulan itu",
    ),
    Column(
        "sumber_dana",
        _choice(values.SUMBER_DANA, "sumber_dana", optional=True),
        isi="boleh kosong, atau salah satu dari: " + ", ".join(values.SUMBER_DANA),
    ),
)
KEPATUHAN = (
    Column(
        "regulasi",
        values.teks,
        isi='teks, boleh kosong: regulasi yang ditetapkan, misalnya "SK Wali Kota Ambon No. 533 Tahun 2021"',
    ),
    Column("tanggal_regulasi", values.tanggal, isi="tanggal TAHUN-BULAN-HARI, boleh kosong: tanggal regulasi"),
    Column(
        "anggaran_rp",
        _amount,
        non_negative=True,
        isi="bilangan bulat Rupiah 0 atau lebih, boleh kosong: anggaran APBD untuk program ini pada tahun anggaran",
    ),
    Column(
        "ptsp_mensyaratkan",
        _choice(("Ya", "Tidak"), "ptsp_mensyaratkan"),
        required=True,
        isi="Ya atau Tidak: PTSP mensyaratkan kepesertaan aktif untuk izin usaha",
    ),
    Column(
        "bumd_terdaftar",
        _choice(("Ya", "Tidak", "Sebagian"), "bumd_terdaftar", optional=True),
        isi="Ya, Tidak, Sebagian, atau kosong: pegawai BUMD daerah ini terdaftar",
    ),
)
KLAIM = (
    Column(
        "program",
        _choice(values.PROGRAM, "program"),
        required=True,
        isi="salah satu dari: " + ", ".join(values.PROGRAM),
    ),
    Column("segmen", values.segmen, required=True, isi=_SEGMEN_ISI),
    Column("kasus", _count, required=True, non_negative=True, isi="bilangan bulat 0 atau lebih: jumlah klaim dibayar"),
    Column(
        "nilai_rp",
        _amount,
        required=True,
        non_negative=True,
        isi="bilangan bulat Rupiah 0 atau lebih: jumlah yang dibayarkan",
    ),
)
BPJS = (
    Column("kode_wilayah", values.kode_wilayah, required=True),
    Column("periode", values.periode, required=True),
    Column("segmen", values.segmen, required=True),
    Column("peserta_aktif", _count, required=True, non_negative=True),
    Column("peserta_baru", _count, non_negative=True),
    Column("iuran_diterima_rp", _amount, non_negative=True),
)
SHEETS = {"kepesertaan": KEPESERTAAN, "kepatuhan": KEPATUHAN, "klaim": KLAIM}
# calamine reads a formula Excel never calculated as an empty cell: a figure would silently become unknown.
FORMULA_WITHOUT_VALUE = (
    "sel berisi rumus tanpa nilai; simpan berkas dengan nilai (di Excel: salin lalu "
    "Tempel Khusus > Nilai, atau buka dan simpan ulang berkas di Excel)"
)
IDENTITAS_KEYS = ("kode_pelapor", "periode", "nama_instansi", "tanggal_laporan")
# What the `nilai` beside each `kunci` of the identitas sheet should hold (quoted by a rejection's receipt).
IDENTITAS_ISI = {
    "kode_pelapor": "kode Kemendagri pemerintah yang melapor: provinsi (81) atau kabupaten/kota (81.71)",
    "periode": f"bulan yang dilaporkan, TAHUN-BULAN (misalnya 2022-10), tidak sebelum {PERIODE_PERTAMA} dan tidak "
    "setelah bulan ini",
    "nama_instansi": 'teks, boleh kosong: misalnya "Dinas Tenaga Kerja Kota Ambon"',
    "tanggal_laporan": "tanggal TAHUN-BULAN-HARI, boleh kosong: tanggal laporan ditandatangani",
}


@dataclass
class Identitas:
    pelapor: str
    periode: str
    nama_instansi: str | None
    tanggal_laporan: date | None


def bulan_ini(today: date) -> str:
    return f"{today.year:04d}-{today.month:02d}"


def bulan_berlaku(today: date) -> list[str]:
    """Every month a report may be about: PERIODE_PERTAMA to this month, `YYYY-MM`."""
    first, last = int(PERIODE_PERTAMA[:4]) * 12 + int(PERIODE_PERTAMA[5:]) - 1, today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(first, last + 1)]


def check_periode(periode: str, today: date) -> str | None:
    if periode < PERIODE_PERTAMA:
        return f"periode {periode} sebelum Inpres 2/2021 berlaku (paling awal {PERIODE_PERTAMA})"
    if periode > bulan_ini(today):
        return f"periode {periode} belum terjadi (bulan ini {bulan_ini(today)})"
    return None


def identitas(sheet: Sheet | None, reasons: Reasons, today: date) -> Identitas | None:
    if sheet is None:
        reasons.add("lembar identitas tidak ada")
        return None
    found: dict[str, tuple[int, object]] = {}
    for number, row in sheet.rows:
        key = row.get("kunci")
        if isinstance(key, Formula):
            reasons.add(FORMULA_WITHOUT_VALUE, "identitas", number, "kunci")
            continue
        if key := values.teks(key):
            found[key.lower()] = (number, row.get("nilai"))
    parsed = {}
    for key, parse in (
        ("kode_pelapor", values.kode_wilayah),
        ("periode", values.periode),
        ("nama_instansi", values.teks),
        ("tanggal_laporan", values.tanggal),
    ):
        number, raw = found.get(key, (None, None))
        if isinstance(raw, Formula):
            reasons.add(FORMULA_WITHOUT_VALUE, "identitas", number, "nilai")
            continue
        if key in ("kode_pelapor", "periode") and values.teks(raw) is None:
            reasons.add(f"{key} wajib diisi", "identitas", number, "nilai")
            continue
        try:
            parsed[key] = parse(raw)
        except ValueError as error:
            reasons.add(str(error), "identitas", number, "nilai")
    if "kode_pelapor" not in parsed or "periode" not in parsed:
        return None
    pelapor, periode = parsed["kode_pelapor"], parsed["periode"]
    if problem := wilayah.masalah_kode(pelapor, periode):
        reasons.add(f"kode_pelapor: {problem}", "identitas", found["kode_pelapor"][0], "nilai")
    if problem := check_periode(periode, today):
        reasons.add(problem, "identitas", found["periode"][0], "nilai")
    return Identitas(pelapor, periode, parsed.get("nama_instansi"), parsed.get("tanggal_laporan"))


def rows(
    sheet: Sheet | None,
    name: str,
    columns: tuple[Column, ...],
    reasons: Reasons,
    row_check: Callable[[int, dict, Reasons], None] | None = None,
) -> Iterator[tuple]:
    """Typed rows of a sheet as (baris, *columns); every problem goes to `reasons`.

    Nothing is kept per row, so memory stays flat however long the sheet; duplicates are found by the
    database once the rows are written (`duplicates`).
    """
    if sheet is None:
        reasons.add(f"lembar {name} tidak ada")
        return
    missing = [c.name for c in columns if c.name not in sheet.header]
    if missing:
        reasons.add(
            f"kolom {', '.join(missing)} tidak ada (kolom yang diharapkan: {', '.join(c.name for c in columns)})", name
        )
        return
    for number, cells in sheet.rows:
        parsed, ok = {}, True
        for column in columns:
            cell = cells.get(column.name)
            if isinstance(cell, Formula):
                reasons.add(FORMULA_WITHOUT_VALUE, name, number, column.name)
                ok = False
                continue
            try:
                value = column.parse(cell)
            except ValueError as error:
                reasons.add(str(error), name, number, column.name)
                ok = False
                continue
            if value is None and column.required:
                reasons.add("wajib diisi", name, number, column.name)
                ok = False
            elif column.non_negative and value is not None and value < 0:
                reasons.add(f"{values.shown(value)} negatif; isi 0 atau lebih", name, number, column.name)
                ok = False
            parsed[column.name] = value
        if not ok:
            continue
        if row_check:
            before = len(reasons.items) + reasons.dropped
            row_check(number, parsed, reasons)
            if len(reasons.items) + reasons.dropped > before:
                continue
        yield (number, *(parsed[c.name] for c in columns))


def duplicates(conn, table: str, parent: tuple[str, int], key: tuple[str, ...], sheet: str, reasons: Reasons) -> None:
    """Rows that repeat an earlier row's key, found among the rows just written for one delivery."""
    parent_column, parent_id = parent
    cursor = conn.execute(
        f"""select baris, first_value(baris) over w, {", ".join(key)}
            from {table} where {parent_column} = %s
            window w as (partition by {", ".join(key)} order by baris)
            order by baris""",
        (parent_id,),
    )
    for baris, first, *identity in cursor:
        if baris != first:
            reasons.add(f"baris ganda: {' / '.join(map(str, identity))} sudah ada di baris {first}", sheet, baris)


def kepesertaan_check(who: Identitas) -> Callable[[int, dict, Reasons], None]:
    """Territory rules: a kab/kota reports only itself; a province itself and its own kab/kota."""

    def check(number: int, row: dict, reasons: Reasons) -> None:
        kode = row["kode_wilayah"]
        if problem := wilayah.masalah_kode(kode, who.periode):
            reasons.add(problem, "kepesertaan", number, "kode_wilayah")
        elif wilayah.is_kabupaten_kota(who.pelapor) and kode != who.pelapor:
            reasons.add(
                f"{who.pelapor} hanya boleh melaporkan wilayahnya sendiri, bukan {kode}",
                "kepesertaan",
                number,
                "kode_wilayah",
            )
        elif not wilayah.is_kabupaten_kota(who.pelapor) and wilayah.provinsi(kode) != who.pelapor:
            reasons.add(f"{kode} bukan wilayah provinsi {who.pelapor}", "kepesertaan", number, "kode_wilayah")
        sasaran, terlindungi = row["sasaran"], row["terlindungi"]
        if sasaran is not None and terlindungi is not None and terlindungi > sasaran:
            reasons.add(
                f"terlindungi ({terlindungi}) lebih besar dari sasaran ({sasaran})",
                "kepesertaan",
                number,
                "terlindungi",
            )

    return check


def bpjs_check(today: date) -> Callable[[int, dict, Reasons], None]:
    def check(number: int, row: dict, reasons: Reasons) -> None:
        kode, periode = row["kode_wilayah"], row["periode"]
        if problem := check_periode(periode, today):
            reasons.add(problem, "bpjs", number, "periode")
        elif problem := wilayah.masalah_kode(kode, periode):
            reasons.add(problem, "bpjs", number, "kode_wilayah")
        elif not wilayah.is_kabupaten_kota(kode):
            reasons.add(f"{kode} bukan kabupaten/kota", "bpjs", number, "kode_wilayah")

    return check
