"""Broken submissions, one reason at a time, each a small change of a good one.

Every reason in the template's "Bad input" section has a kind here, plus a zip bomb posing as XLSX.
"""

from __future__ import annotations

import bz2
import copy
import io
import random
import zipfile
import zlib
from functools import cache
from pathlib import Path

from inpres import wilayah
from inpres.generate.writer import KEPESERTAAN_COLUMNS, Submission, xlsx_bytes
from inpres.ingest import reader

BROKEN_KINDS = {
    "unknown_region_code": "a kepesertaan row names a region code that does not exist (a typo)",
    "retired_code": "an old Papua code (91.01 for Merauke) used for a month after the 2022 split",
    "foreign_territory": "a kab/kota also reports a neighbouring kab/kota's figures",
    "outside_province": "a province reports a kab/kota of another province",
    "unknown_segment": "a segmen outside the five ('pekerja rentan', 'honorer', …)",
    "unknown_program": "a klaim program outside JKK/JKM/JHT (JP, JKP, JKN)",
    "negative_count": "a negative terlindungi",
    "non_integer_count": "a decimal comma in terlindungi: the coverage percentage typed in ('48,55')",
    "terlindungi_above_sasaran": "terlindungi greater than sasaran (the two swapped)",
    "duplicate_rows": "the same (territory, segment) twice in kepesertaan",
    "future_period": "periode in the future: the year's digits transposed (2202 for 2022)",
    "period_before_inpres": "periode before April 2021",
    "missing_sheet": "the kepesertaan, kepatuhan or klaim sheet left out",
    "missing_column": "a kepesertaan column left out",
    "unreadable_xlsx": "random bytes behind a PNG signature, named .xlsx (a photo of the form)",
    "binary_csv": "a CSV set whose kepesertaan file is a workbook renamed .csv",
    "oversized": "a workbook behind a zero-filled gap, larger than the intake's file size limit (sparse on disk)",
    "zip_bomb": "an XLSX whose first worksheet expands to 1 GiB (bzip2; under 10 KB on disk)",
}
# Kinds that exist in one format only; the others take the format of the submission they change.
FORMAT = {"unreadable_xlsx": "xlsx", "binary_csv": "csv", "oversized": "xlsx", "zip_bomb": "xlsx"}

BOMB_PART = "xl/worksheets/sheet1.xml"
BOMB_EXPANDED_BYTES = 1 << 30  # five times the intake's default 200 MB limit on expanded XLSX content
MiB = 1 << 20


@cache
def _retired() -> dict[str, tuple[str, str]]:
    """Today's code -> (its pre-split Papua code, last month that code is accepted)."""
    return {baru: (lama, sampai) for lama, (baru, sampai) in wilayah.kode_lama().items()}


def applicable(kind: str, pelapor: str, periode: str) -> bool:
    """Whether `kind` can be made from a submission of `pelapor` for `periode`."""
    if kind == "foreign_territory":
        return wilayah.is_kabupaten_kota(pelapor)
    if kind == "outside_province":
        return not wilayah.is_kabupaten_kota(pelapor)
    if kind == "retired_code":
        return pelapor in _retired() and periode > _retired()[pelapor][1]
    return kind in BROKEN_KINDS


def make_broken(
    kind: str, out_dir: Path, rng: random.Random, *, base: Submission | None = None, stem: str | None = None
) -> list[Path]:
    """Write one broken submission of `kind` into `out_dir`; returns its files.

    `base` is the good submission to change (national.py passes the one it would have written); without
    it a fitting one is made up from `rng` and named `<pelapor>_<periode>_<kind>` so kinds never collide.
    """
    if kind not in BROKEN_KINDS:
        raise ValueError(f"unknown kind {kind!r}; known: {', '.join(BROKEN_KINDS)}")
    if base is None:
        base = _some_base(kind, rng)
        stem = stem or f"{base.pelapor}_{base.periode}_{kind}"
    sub = copy.deepcopy(base)
    sub.format = FORMAT.get(kind, sub.format)
    out = Path(out_dir)
    stem = stem or f"{sub.pelapor}_{sub.periode}"
    if kind in _FILES:
        return _FILES[kind](sub, out, stem, rng)
    _EDITS[kind](sub, rng)
    return sub.write(out, stem)


def _some_base(kind: str, rng: random.Random) -> Submission:
    # national imports this module; importing it here, when first needed, keeps the import graph a tree.
    from inpres.generate import national

    if kind == "retired_code":
        pelapor, periodes = rng.choice(sorted(_retired())), national.months("2023-01", "2023-12")
    else:
        pool = {"foreign_territory": national.kabupaten_kota(), "outside_province": national.provinces()}
        pelapor, periodes = rng.choice(pool.get(kind, national.all_pelapor())), national.months("2022-01", "2023-12")
    return national.build_submission(
        rng.randrange(1 << 30),
        pelapor,
        rng.choice(periodes),
        fmt=FORMAT.get(kind, "xlsx"),
        on_behalf=_some_kabkota(pelapor, rng),
    )


def _some_kabkota(pelapor: str, rng: random.Random) -> tuple[str, ...]:
    if wilayah.is_kabupaten_kota(pelapor):
        return ()
    from inpres.generate import national

    return tuple(k for k in national.kabupaten_kota(pelapor) if rng.random() < 0.3)


# --- changes of content ------------------------------------------------------------------------------


def _pick(rows: list, rng: random.Random) -> int:
    return rng.randrange(len(rows))


def _unknown_region_code(sub: Submission, rng: random.Random) -> None:
    rows = sub.sheets["kepesertaan"]
    known = {*wilayah.nama(), *wilayah.kode_lama()}
    provinsi = wilayah.provinsi(sub.pelapor)
    unknown = rng.choice([c for n in range(1, 100) if (c := f"{provinsi}.{n:02d}") not in known])
    i = _pick(rows, rng)
    rows[i] = (unknown, *rows[i][1:])


def _retired_code(sub: Submission, rng: random.Random) -> None:
    old = _retired()[sub.pelapor][0]
    sub.identitas["kode_pelapor"] = old
    sub.sheets["kepesertaan"] = [(old if r[0] == sub.pelapor else r[0], *r[1:]) for r in sub.sheets["kepesertaan"]]


def _foreign_territory(sub: Submission, rng: random.Random) -> None:
    rows = sub.sheets["kepesertaan"]
    siblings = [
        k
        for k in wilayah.nama()
        if wilayah.is_kabupaten_kota(k) and k != sub.pelapor and wilayah.provinsi(k) == wilayah.provinsi(sub.pelapor)
    ]
    rows.append((rng.choice(sorted(siblings)), *rows[_pick(rows, rng)][1:]))


def _outside_province(sub: Submission, rng: random.Random) -> None:
    rows = sub.sheets["kepesertaan"]
    elsewhere = [k for k in wilayah.nama() if wilayah.is_kabupaten_kota(k) and wilayah.provinsi(k) != sub.pelapor]
    rows.append((rng.choice(sorted(elsewhere)), *rows[_pick(rows, rng)][1:]))


def _unknown_segment(sub: Submission, rng: random.Random) -> None:
    rows = sub.sheets["kepesertaan"]
    i = _pick(rows, rng)
    rows[i] = (
        rows[i][0],
        rng.choice(["pekerja rentan", "honorer", "Non-ASN", "perangkat_kelurahan", "kpps"]),
        *rows[i][2:],
    )


def _unknown_program(sub: Submission, rng: random.Random) -> None:
    rows = sub.sheets["klaim"]
    program = rng.choice(["JP", "JKP", "JKN"])
    if rows:
        i = _pick(rows, rng)
        rows[i] = (program, *rows[i][1:])
    else:
        rows.append((program, "non_asn", 1, 4_500_000))


def _set_terlindungi(sub: Submission, rng: random.Random, value) -> None:
    rows = sub.sheets["kepesertaan"]
    i = _pick(rows, rng)
    kode, segmen, sasaran, terlindungi, *rest = rows[i]
    rows[i] = (kode, segmen, sasaran, value(sasaran, terlindungi), *rest)


def _negative_count(sub: Submission, rng: random.Random) -> None:
    _set_terlindungi(sub, rng, lambda sasaran, terlindungi: -(terlindungi or 120))


def _non_integer_count(sub: Submission, rng: random.Random) -> None:
    def percentage(sasaran, terlindungi):
        share = 100 * terlindungi / sasaran if sasaran else 48.55
        return f"{share:.2f}".replace(".", ",")

    _set_terlindungi(sub, rng, percentage)


def _terlindungi_above_sasaran(sub: Submission, rng: random.Random) -> None:
    rows = sub.sheets["kepesertaan"]
    i = _pick(rows, rng)
    kode, segmen, sasaran, terlindungi, *rest = rows[i]
    low, high = sorted((terlindungi if sasaran is None else sasaran, terlindungi))
    rows[i] = (kode, segmen, low, high if high > low else low + max(1, low // 10), *rest)


def _duplicate_rows(sub: Submission, rng: random.Random) -> None:
    rows = sub.sheets["kepesertaan"]
    kode, segmen, sasaran, terlindungi, *rest = rows[_pick(rows, rng)]
    rows.append((kode, segmen, sasaran, max(0, terlindungi - rng.randint(1, 50)), *rest))


def _future_period(sub: Submission, rng: random.Random) -> None:
    # A typo rather than next year: it stays in the future whenever the intake runs.
    year, month = sub.periode.split("-")
    sub.identitas["periode"] = f"{year[0]}{year[2]}{year[1]}{year[3]}-{month}"


def _period_before_inpres(sub: Submission, rng: random.Random) -> None:
    year, month = sub.periode.split("-")
    sub.identitas["periode"] = rng.choice(["2021-03", f"{int(year) - 10}-{month}"])


def _missing_sheet(sub: Submission, rng: random.Random) -> None:
    del sub.sheets[rng.choice(["kepesertaan", "kepatuhan", "klaim"])]


def _missing_column(sub: Submission, rng: random.Random) -> None:
    i = rng.randrange(len(KEPESERTAAN_COLUMNS))
    sub.headers["kepesertaan"] = KEPESERTAAN_COLUMNS[:i] + KEPESERTAAN_COLUMNS[i + 1 :]
    sub.sheets["kepesertaan"] = [tuple(row[:i]) + tuple(row[i + 1 :]) for row in sub.sheets["kepesertaan"]]


_EDITS = {
    "unknown_region_code": _unknown_region_code,
    "retired_code": _retired_code,
    "foreign_territory": _foreign_territory,
    "outside_province": _outside_province,
    "unknown_segment": _unknown_segment,
    "unknown_program": _unknown_program,
    "negative_count": _negative_count,
    "non_integer_count": _non_integer_count,
    "terlindungi_above_sasaran": _terlindungi_above_sasaran,
    "duplicate_rows": _duplicate_rows,
    "future_period": _future_period,
    "period_before_inpres": _period_before_inpres,
    "missing_sheet": _missing_sheet,
    "missing_column": _missing_column,
}


# --- files that cannot be read -----------------------------------------------------------------------


def _unreadable_xlsx(sub: Submission, out: Path, stem: str, rng: random.Random) -> list[Path]:
    path = out / f"{stem}.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(20_000, 200_000)))
    return [path]


def _binary_csv(sub: Submission, out: Path, stem: str, rng: random.Random) -> list[Path]:
    paths = sub.write(out, stem)
    (out / f"{stem}_kepesertaan.csv").write_bytes(xlsx_bytes(sub.identitas, sub.sheets))
    return paths


def _oversized(sub: Submission, out: Path, stem: str, rng: random.Random) -> list[Path]:
    # The size is what the intake must refuse on, so only the apparent size matters: seeking past the
    # gap leaves a hole the file system does not store. Zip readers find the workbook from the end.
    path = out / f"{stem}.xlsx"
    with open(path, "wb") as f:
        f.seek(reader.MAX_FILE_BYTES + MiB)
        f.write(xlsx_bytes(sub.identitas, sub.sheets))
    return [path]


@cache
def _bomb_sheet() -> tuple[bytes, int, int]:
    """A worksheet of 1 GiB of blanks, bzip2-compressed to a few hundred bytes: (data, CRC-32, size)."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    tail = b"</sheetData></worksheet>"
    blanks = b" " * MiB  # whitespace between elements: well-formed XML, however long
    compressor, crc, parts = bz2.BZ2Compressor(9), 0, []
    for chunk in [head, *[blanks] * (BOMB_EXPANDED_BYTES // MiB), tail]:
        crc = zlib.crc32(chunk, crc)
        parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    return b"".join(parts), crc, len(head) + BOMB_EXPANDED_BYTES + len(tail)


def _zip_bomb(sub: Submission, out: Path, stem: str, rng: random.Random) -> list[Path]:
    path = out / f"{stem}.xlsx"
    data, crc, size = _bomb_sheet()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_bytes(sub.identitas, sub.sheets))) as good,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in good.infolist():
            if info.filename != BOMB_PART:
                bomb.writestr(zipfile.ZipInfo(info.filename, info.date_time), good.read(info), zipfile.ZIP_DEFLATED)
        entry = zipfile.ZipInfo(BOMB_PART, good.getinfo(BOMB_PART).date_time)
        entry.compress_type, entry.CRC, entry.file_size, entry.compress_size = zipfile.ZIP_BZIP2, crc, size, len(data)
        # zipfile only writes data it compresses itself; add the compressed entry where writestr would.
        entry.header_offset = bomb.fp.tell()
        bomb.fp.write(entry.FileHeader())
        bomb.fp.write(data)
        bomb.filelist.append(entry)
        bomb.NameToInfo[entry.filename] = entry
        bomb.start_dir = bomb.fp.tell()
    return [path]


_FILES = {
    "unreadable_xlsx": _unreadable_xlsx,
    "binary_csv": _binary_csv,
    "oversized": _oversized,
    "zip_bomb": _zip_bomb,
}
