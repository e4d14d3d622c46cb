"""Participant lists (template v1.1): a pelapor's `peserta` sheet, and BPJS's per-participant extract.

A list may hold hundreds of thousands of rows, a CSV several GB. The clear NIK exists only in `stage`'s
streaming read: there, and only there, each row's NIK is checked by its structure and replaced by its
pseudonym (HMAC-SHA256 with the key of `pseudonym`); `tanggal_lahir` is compared with the NIK's birth date
and dropped. The pseudonymised rows are COPYed into a temporary table, and everything else (segmen,
kode_wilayah within the pelapor's territory, status, a person listed twice) is judged there in SQL, all at
once. Reasons quote a NIK only masked (`7271********0012`), and never a birth date.
"""

from __future__ import annotations

import calendar
import csv
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path

from inpres import catalogue, wilayah
from inpres.ingest import contract, pseudonym, reader
from inpres.ingest.reader import Formula
from inpres.privacy import mask_nik

SHEET = "peserta"
COLUMNS = ("nik", "segmen", "kode_wilayah", "nomor_kpj", "tanggal_lahir", "status")
STATUS = ("aktif", "nonaktif")
# A province's list is the big one; a CSV streams, so the limit only guards the disk a copy would need.
MAX_CSV_BYTES = int(float(os.environ.get("INPRES_MAX_PESERTA_MB", "8192")) * reader.MiB)
# What the staged text columns keep: longer is no code of the template, and is only quoted cut anyway.
_TEXT_CHARS = 64
_BATCH = 8192
# bytea in COPY's text format: `\x` and hex digits, its backslash escaped; `\N` is null.
_HEX, _NULL = "\\\\x", "\\N"
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = re.compile(r"[\\\t\n\r]")
KECAMATAN = Path(__file__).with_name("kecamatan.csv")
_STAGING = """create temp table peserta_masuk (
    baris bigint not null,
    nik_pseudonim bytea not null,
    segmen text not null,
    kode_wilayah text not null,
    kpj_pseudonim bytea,
    status text not null
) on commit drop"""


@cache
def nik_prefixes() -> frozenset[str]:
    """The NIK's first six digits: a kecamatan that exists now (the region reference), or one under a Papua
    kab/kota code from before the 2022 split (the crosswalk: 91.01.xx before Merauke became 93.01)."""
    with KECAMATAN.open(encoding="utf-8", newline="") as f:
        codes = [row["code"] for row in csv.DictReader(f)]
    lama = {baru: lama for lama, (baru, _) in wilayah.kode_lama().items()}
    prefixes = {code.replace(".", "") for code in codes}
    prefixes |= {(lama[code[:5]] + code[5:]).replace(".", "") for code in codes if code[:5] in lama}
    return frozenset(prefixes)


@cache
def birth_dates() -> frozenset[str]:
    """Digits 7–12 of a valid NIK: DDMMYY of a real day, the day + 40 for women. The century is unknown, so
    29 February is allowed in every year divisible by four."""
    found = set()
    for yy in range(100):
        for month in range(1, 13):
            for day in range(1, calendar.monthrange(2000 if yy % 4 == 0 else 2001, month)[1] + 1):
                found.add(f"{day:02d}{month:02d}{yy:02d}")
                found.add(f"{day + 40:02d}{month:02d}{yy:02d}")
    return frozenset(found)


def nik_problem(nik: str) -> str | None:
    """Why `nik` (trimmed text) is not a NIK, in words that quote it only masked; None when it is one."""
    if not (len(nik) == 16 and nik.isascii() and nik.isdigit()):
        if "e+" in nik.lower():
            return "NIK tertulis dalam notasi ilmiah (E+15) dan angkanya hilang; format kolom nik sebagai Teks"
        digits = sum(c.isdigit() for c in nik)
        return f"NIK harus 16 angka tanpa spasi atau tanda baca (terisi {len(nik)} karakter, {digits} angka)"
    masked = mask_nik(nik)
    if nik[:6] not in nik_prefixes():
        return f"NIK {masked}: 6 angka pertama bukan kode kecamatan yang ada atau pernah ada"
    if nik[6:12] not in birth_dates():
        return f"NIK {masked}: angka ke-7 sampai ke-12 bukan tanggal lahir TTBBTT (perempuan: tanggal + 40)"
    if nik[12:] == "0000":
        return f"NIK {masked}: nomor urut (4 angka terakhir) tidak boleh 0000"
    return None


def _nik_text(value: object) -> str | None:
    """The NIK cell as text; None for a formula without a value. Excel keeps a number exact only up to 2^53."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip().lstrip("'")
    if isinstance(value, Formula):
        return None
    if isinstance(value, float) and value.is_integer() and value < 2**53:
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return "E+15" if isinstance(value, float) else str(value)


def _same_birth(value: object, nik: str) -> bool | None:
    """Whether tanggal_lahir is the NIK's birth date; None when it is no date at all."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            year, month, day = text[2:4], text[5:7], text[8:10]
        else:
            try:
                parsed = contract.values.tanggal(text)
            except ValueError:
                return None
            year, month, day = f"{parsed.year % 100:02d}", f"{parsed.month:02d}", f"{parsed.day:02d}"
    elif isinstance(value, (datetime, date)):
        year, month, day = f"{value.year % 100:02d}", f"{value.month:02d}", f"{value.day:02d}"
    else:
        return None
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        return None
    nik_day = int(nik[6:8])
    return (nik_day if nik_day <= 40 else nik_day - 40) == int(day) and nik[8:10] == month and nik[10:12] == year


def _text(value: object) -> str:
    """A cell as a staged text column: trimmed, cut, escaped for COPY's text format."""
    if value is None or isinstance(value, Formula):
        return ""
    text = (value if isinstance(value, str) else f"{value:.2f}" if isinstance(value, float) else str(value)).strip()
    text = text[:_TEXT_CHARS]
    return text.translate(_ESCAPE) if _SPECIAL.search(text) else text


def stage(conn, records: Iterable[Sequence], reasons: contract.Reasons, key: bytes) -> int | None:
    """Read a list (header first, then rows; numbered as the sheet numbers them) into `peserta_masuk`.

    Returns the rows staged, or None when the list lacks a column. Each NIK's structure is checked and the
    NIK replaced by its pseudonym here; a row with a bad NIK or birth date gets its reason and is not staged.
    """
    rows = iter(records)
    header = [str(h).strip().lower() if h is not None else "" for h in next(rows, [])]
    if missing := [c for c in COLUMNS if c not in header]:
        reasons.add(f"kolom {', '.join(missing)} tidak ada (kolom yang diharapkan: {', '.join(COLUMNS)})", SHEET)
        return None
    i_nik, i_segmen, i_kode, i_kpj, i_lahir, i_status = (header.index(c) for c in COLUMNS)
    width = len(header)
    digest = pseudonym.hasher(key)
    prefixes, dates = nik_prefixes(), birth_dates()
    conn.execute(_STAGING)
    staged, batch = 0, []
    with conn.cursor().copy(
        "copy peserta_masuk (baris, nik_pseudonim, segmen, kode_wilayah, kpj_pseudonim, status) from stdin"
    ) as copy:
        for number, cells in enumerate(rows, start=2):
            if len(cells) < width:
                if not any(cells):
                    continue
                cells = [*cells, *([None] * (width - len(cells)))]
            nik = cells[i_nik]
            # A CSV's cells are text: the general conversion (and its call) only for a workbook's.
            nik = nik.strip().lstrip("'") if nik.__class__ is str else _nik_text(nik)
            if nik is None:
                reasons.add(contract.FORMULA_WITHOUT_VALUE, SHEET, number, "nik")
                continue
            if not (
                len(nik) == 16
                and nik.isascii()
                and nik.isdigit()
                and nik[:6] in prefixes
                and nik[6:12] in dates
                and nik[12:] != "0000"
            ):
                if nik == "" and not any(c not in (None, "") for c in cells):
                    continue
                reasons.add(nik_problem(nik) if nik else "wajib diisi", SHEET, number, "nik")
                continue
            lahir = cells[i_lahir]
            if lahir not in (None, "") and not (isinstance(lahir, str) and not lahir.strip()):
                same = _same_birth(lahir, nik)
                if not same:
                    reasons.add(
                        "bukan tanggal yang sah (tulis TAHUN-BULAN-TANGGAL, contoh: 1990-07-05)"
                        if same is None
                        else f"tidak sama dengan tanggal lahir pada NIK {mask_nik(nik)}",
                        SHEET,
                        number,
                        "tanggal_lahir",
                    )
                    continue
            kpj = cells[i_kpj]
            kpj = kpj.strip().lstrip("'") if kpj.__class__ is str else _nik_text(kpj)
            kpj = _HEX + digest(kpj.encode()).hex() if kpj else _NULL
            segmen, kode, status = cells[i_segmen], cells[i_kode], cells[i_status]
            # Short clean text in a CSV: the general conversion only for anything else.
            if segmen.__class__ is str and kode.__class__ is str and status.__class__ is str:
                segmen, kode, status = segmen.strip()[:_TEXT_CHARS], kode.strip()[:_TEXT_CHARS], status.strip()
                status = status[:_TEXT_CHARS]
                if _SPECIAL.search(segmen + kode + status):
                    segmen, kode, status = _text(segmen), _text(kode), _text(status)
            else:
                segmen, kode, status = _text(segmen), _text(kode), _text(status)
            batch.append(f"{number}\t{_HEX}{digest(nik.encode()).hex()}\t{segmen}\t{kode}\t{kpj}\t{status}\n")
            if len(batch) == _BATCH:
                copy.write("".join(batch))
                staged += len(batch)
                batch.clear()
        copy.write("".join(batch))
        staged += len(batch)
    return staged


def judge(conn, who: contract.Identitas, reasons: contract.Reasons) -> None:
    """Every reason the staged rows break the contract, found in SQL; the rows themselves stay in the server."""
    allowed = sorted(k for k in wilayah.kode_dikenal() if _in_territory(k, who) and k != wilayah.NASIONAL)
    # A kab/kota may be written without its dot (8171): listing both spellings spares a regex per row.
    spellings = allowed + [k.replace(".", "") for k in allowed if "." in k]
    # A row is fetched only when it breaks a rule; past the reasons' limit only counted.
    bad = conn.execute(
        """select baris, segmen, kode_wilayah, status,
                  lower(segmen) = any(%(segmen)s), kode_wilayah = any(%(wilayah)s), lower(status) = any(%(status)s),
                  count(*) over ()
           from peserta_masuk
           where not (lower(segmen) = any(%(segmen)s) and kode_wilayah = any(%(wilayah)s)
                      and lower(status) = any(%(status)s))
           order by baris limit %(limit)s""",
        {"segmen": list(catalogue.SEGMEN), "wilayah": spellings, "status": list(STATUS), "limit": contract.MAX_REASONS},
    ).fetchall()
    for baris, segmen, kode, status, segmen_ok, kode_ok, status_ok, _ in bad:
        if not segmen_ok:
            reasons.add(_choice_problem(segmen, catalogue.SEGMEN, "segmen"), SHEET, baris, "segmen")
        if not kode_ok:
            reasons.add(_kode_problem(kode, who), SHEET, baris, "kode_wilayah")
        if not status_ok:
            reasons.add(_choice_problem(status, STATUS, "status"), SHEET, baris, "status")
    if bad:
        reasons.dropped += max(0, bad[0][-1] - len(bad))
    # Counting distinct pseudonyms sorts them alone: the rows listed twice are looked for only when there are any.
    [twice] = conn.execute("select count(*) <> count(distinct nik_pseudonim) from peserta_masuk").fetchone()
    duplicates = []
    if twice:
        duplicates = conn.execute(
            """select baris, pertama, count(*) over () from (
                   select baris, first_value(baris) over (partition by nik_pseudonim order by baris) as pertama
                   from peserta_masuk) s
               where baris <> pertama order by baris limit %s""",
            (contract.MAX_REASONS,),
        ).fetchall()
    for baris, pertama, _ in duplicates:
        reasons.add(f"NIK yang sama sudah ada di baris {pertama}", SHEET, baris, "nik")
    if duplicates:
        reasons.dropped += max(0, duplicates[0][-1] - len(duplicates))


def insert(conn, submission_id: int, key: bytes) -> int:
    """The judged rows into raw.peserta, and which key made their pseudonyms. A judged kode_wilayah is a known
    code, so four characters can only be a kab/kota without its dot."""
    # What raw.peserta's foreign key would do, once per list: the submission exists, and stays until commit.
    if (
        conn.execute("select from raw.submission where submission_id = %s for key share", (submission_id,)).fetchone()
        is None
    ):
        raise LookupError(f"submission {submission_id} does not exist")
    count = conn.execute(
        """insert into raw.peserta (submission_id, baris, nik_pseudonim, segmen, kode_wilayah, kpj_pseudonim, status)
           select %s, baris, nik_pseudonim, lower(segmen),
                  case when length(kode_wilayah) = 4 then left(kode_wilayah, 2) || '.' || right(kode_wilayah, 2)
                       else kode_wilayah end,
                  kpj_pseudonim, lower(status)
           from peserta_masuk""",
        (submission_id,),
    ).rowcount
    conn.execute(
        """insert into raw.peserta_kunci (submission_id, sidik) values (%s, %s)
           on conflict (submission_id) do update set sidik = excluded.sidik, diganti_pada = now()""",
        (submission_id, pseudonym.sidik(key)),
    )
    return count


def load(conn, submission_id: int, who: contract.Identitas, records, reasons: contract.Reasons) -> None:
    """A submission's list, judged whole: nothing is inserted when any row breaks the contract."""
    key = pseudonym.nik_key()
    before = len(reasons.items) + reasons.dropped
    if stage(conn, records, reasons, key) is None:
        return
    judge(conn, who, reasons)
    if len(reasons.items) + reasons.dropped == before:
        insert(conn, submission_id, key)


def sheet_records(sheet: reader.Sheet) -> Iterator[list]:
    """An XLSX sheet (rows as dicts) as records like a CSV's; its blank rows were skipped already."""
    yield sheet.header
    expected = 2
    for number, cells in sheet.rows:
        # Keep the sheet's own row numbers: a skipped blank row becomes an empty record again.
        while expected < number:
            yield []
            expected += 1
        yield [cells.get(h) for h in sheet.header]
        expected += 1


def _in_territory(kode: str, who: contract.Identitas) -> bool:
    if wilayah.masalah_kode(kode, who.periode) is not None:
        return False
    if wilayah.is_kabupaten_kota(who.pelapor):
        return kode == who.pelapor
    return wilayah.provinsi(kode) == who.pelapor


def _kode_problem(kode: str, who: contract.Identitas) -> str:
    try:
        kode = contract.values.kode_wilayah(kode)
    except ValueError as error:
        return str(error)
    if problem := wilayah.masalah_kode(kode, who.periode):
        return problem
    if wilayah.is_kabupaten_kota(who.pelapor):
        return f"{who.pelapor} hanya boleh mendaftar peserta wilayahnya sendiri, bukan {kode}"
    return f"{kode} bukan wilayah provinsi {who.pelapor}"


def _choice_problem(value: str, allowed: Sequence[str], what: str) -> str:
    if value == "":
        return "wajib diisi"
    return f"{what} '{contract.values.shown(value)}' tidak dikenal (pilihan: {', '.join(allowed)})"


# --- BPJS's per-participant extract -------------------------------------------------------------------

BPJS_COLUMNS = ("periode", "nik_pseudonim")
BPJS_NAME = re.compile(r"^bpjs_peserta_(?P<periode>\d{4}-\d{2})\.csv$", re.IGNORECASE)


def load_bpjs(conn, extract_id: int, stream, size: int, reasons: contract.Reasons, today: date) -> None:
    """BPJS's list of active participants, pseudonymised by BPJS with the same key: `periode, nik_pseudonim`
    (64 hex digits), UTF-8, comma-separated. The bytes go to the server as they are (COPY ... csv); it holds no
    NIK, so nothing needs to happen per row in Python."""
    import psycopg

    reader.check_size(size, MAX_CSV_BYTES)
    header = stream.readline().decode("utf-8-sig", errors="replace").strip().lower()
    if [c.strip() for c in header.split(",")] != list(BPJS_COLUMNS):
        reasons.add(f"baris pertama harus berisi kolom {', '.join(BPJS_COLUMNS)}", "bpjs_peserta", 1)
        return
    conn.execute(
        """create temp table bpjs_peserta_masuk (
               baris bigint generated always as identity (start with 2), periode text, nik_pseudonim text
           ) on commit drop"""
    )
    try:
        with (
            conn.transaction(),
            conn.cursor().copy("copy bpjs_peserta_masuk (periode, nik_pseudonim) from stdin (format csv)") as copy,
        ):
            while chunk := stream.read(1 << 20):
                copy.write(chunk)
    except (psycopg.errors.DataError, psycopg.errors.BadCopyFileFormat) as error:
        line = re.search(r"line (\d+)", error.diag.context or "")
        where = f"baris {int(line.group(1)) + 1}" if line else "sebuah baris"
        reasons.add(f"{where}: berkas CSV rusak (harus tepat 2 kolom: {', '.join(BPJS_COLUMNS)})", "bpjs_peserta")
        return
    # Per row only a comparison with the months allowed and a search for a character that is no hex digit: a
    # regular expression with a count ({64}) costs twenty times as much, minutes at tens of millions of rows.
    periode_ok = "coalesce(periode = any(%(bulan)s), false)"
    nik_ok = "coalesce(length(nik_pseudonim) = 64 and nik_pseudonim !~ '[^0-9a-fA-F]', false)"
    bad = conn.execute(
        f"""select baris, {periode_ok}, {nik_ok}, count(*) over ()
           from bpjs_peserta_masuk where not ({periode_ok} and {nik_ok})
           order by baris limit %(limit)s""",
        {"bulan": contract.bulan_berlaku(today), "limit": contract.MAX_REASONS},
    ).fetchall()
    for baris, periode_ok, nik_ok, _ in bad:
        if not periode_ok:
            reasons.add(
                f"bukan bulan TAHUN-BULAN antara {contract.PERIODE_PERTAMA} dan bulan ini",
                "bpjs_peserta",
                baris,
                "periode",
            )
        if not nik_ok:
            reasons.add("bukan pseudonim HMAC-SHA256 (64 angka heksadesimal)", "bpjs_peserta", baris, "nik_pseudonim")
    if bad:
        reasons.dropped += max(0, bad[0][-1] - len(bad))
    if reasons:
        return
    # A participant twice in a month: looked for by hashing the decoded pseudonyms (no case to fold), not by
    # sorting them; the rows listed twice only when there are any.
    [twice] = conn.execute(
        """select exists (select from bpjs_peserta_masuk
                          group by periode, decode(nik_pseudonim, 'hex') having count(*) > 1)"""
    ).fetchone()
    duplicates = []
    if twice:
        duplicates = conn.execute(
            """select baris, pertama, count(*) over () from (
                   select baris, first_value(baris) over (partition by periode, lower(nik_pseudonim) order by baris)
                          as pertama
                   from bpjs_peserta_masuk) s
               where baris <> pertama order by baris limit %s""",
            (contract.MAX_REASONS,),
        ).fetchall()
    for baris, pertama, _ in duplicates:
        reasons.add(f"peserta yang sama sudah ada di baris {pertama}", "bpjs_peserta", baris)
    if duplicates:
        reasons.dropped += max(0, duplicates[0][-1] - len(duplicates))
    if not reasons:
        conn.execute(
            """insert into raw.bpjs_peserta (extract_id, baris, periode, nik_pseudonim)
               select %s, baris, periode, decode(nik_pseudonim, 'hex') from bpjs_peserta_masuk""",
            (extract_id,),
        )
