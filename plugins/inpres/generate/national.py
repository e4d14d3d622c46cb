"""A realistic national inbox: every pelapor, every month, with the five seed reports' figures built in.

Every figure comes from a trajectory per (territory, segment): a target population (sasaran) and a
coverage share that starts somewhere in 2021 and drifts up by the month. Anchors pin the figures the
seed reports state (seeds/README.md) to the month they are about; the other months of an anchored
series are the trajectory rescaled through the anchor, so the series stays smooth.

Everything is derived from `seed` through named random.Random streams (one per file, one per
trajectory), never the global generator or the clock: the same arguments give the same bytes, and
the figures of a (territory, month) do not depend on the range or the scale asked for.
"""

from __future__ import annotations

import copy
import json
import math
import os
import random
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

from tqdm import tqdm

from inpres import wilayah
from inpres.generate import broken as breaking
from inpres.generate import peserta as lists
from inpres.generate.writer import Submission, write_bpjs_extract, write_bpjs_peserta
from inpres.ingest import pseudonym
from inpres.ingest.contract import PERIODE_PERTAMA
from inpres.ingest.values import SEGMEN

# The answer key (what each file is and how intake must judge it), hidden so intake never sees a delivery.
MANIFEST = ".manifest.json"
GOOD, LATE, REVISED_OLD, REVISED_NEW, BROKEN, BPJS = "good", "late", "revised_old", "revised_new", "broken", "bpjs"
BPJS_PESERTA = "bpjs_peserta"
SANTUNAN_JKM = 42_000_000  # JKM death benefit since PP 82/2019
# Contribution per participant per month: the usual minimum for BPU (JKK + JKM); BUMD staff are wage earners.
IURAN = {
    "pekerja_rentan": 16_800,
    "non_asn": 16_800,
    "perangkat_desa": 16_800,
    "penyelenggara_pemilu": 16_800,
    "pegawai_bumd": 150_000,
}
SUMBER_DANA = {"non_asn": "apbd", "perangkat_desa": "apbdes", "penyelenggara_pemilu": "apbd", "pegawai_bumd": "mandiri"}
WIB = timezone(timedelta(hours=7))

# --- the seed reports ------------------------------------------------------------------------------
SEED_PERIODE = "2022-10"
MALUKU_PERIODE = "2023-06"  # the Maluku statement on non-ASN (seed 000) is from 2023
SULTENG, SULTENG_SASARAN, SULTENG_TERLINDUNGI = "72", 978_084, 474_860  # 48.55 %
FIXED = {  # (territory, segment): (sasaran, terlindungi) in SEED_PERIODE; the same as the bundled sample
    ("81.71", "pekerja_rentan"): (70_000, 40_000),
    ("81.71", "non_asn"): (2_850, 2_850),
    ("81.71", "perangkat_desa"): (1_232, 1_232),
    ("72.71", "pekerja_rentan"): (26_000, 7_000),
    ("72.06", "pekerja_rentan"): (41_000, 28_000),
}
# Kota Ambon, JKM for perangkat desa, January–October 2022: 15 claims, Rp 600 juta as reported (seed 003),
# i.e. Rp 40 juta each where the generic claims pay the full Rp 42 juta.
AMBON_JKM = {f"2022-{m:02d}": n for m, n in zip(range(1, 11), (2, 1, 2, 1, 2, 1, 2, 1, 2, 1), strict=True)}
AMBON_JKM_PER_KASUS = 40_000_000
# Sulawesi Tengah sends a figure for Palu too; Palu's own report must win over it.
PALU_ATAS_NAMA = (26_000, 6_500)

# --- magnitudes: sasaran bounds for (kabupaten, kota, the province's own people); None = not reported ---
_SASARAN = {
    "pekerja_rentan": ((3_000, 250_000), (5_000, 120_000), (1_000, 40_000)),
    "non_asn": ((800, 9_000), (500, 6_000), (1_500, 12_000)),
    "perangkat_desa": ((1_500, 6_000), (100, 1_200), None),
    "penyelenggara_pemilu": ((2_000, 25_000), (1_000, 15_000), (100, 800)),
    "pegawai_bumd": ((50, 1_500), (50, 1_000), (200, 4_000)),
}
_AWAL = {
    "pekerja_rentan": (0.05, 0.40),
    "non_asn": (0.30, 1.0),
    "perangkat_desa": (0.20, 0.90),
    "penyelenggara_pemilu": (0.0, 0.50),
    "pegawai_bumd": (0.40, 1.0),
}
_LAJU = {
    "pekerja_rentan": (0.002, 0.012),
    "non_asn": (0.005, 0.03),
    "perangkat_desa": (0.005, 0.02),
    "penyelenggara_pemilu": (0.005, 0.03),
    "pegawai_bumd": (0.002, 0.01),
}


def _rng(seed: int, *parts: object) -> random.Random:
    """A named stream: string seeds are hashed with SHA-512, so this is stable across processes."""
    return random.Random(":".join(map(str, (seed, *parts))))


def _index(periode: str) -> int:
    return int(periode[:4]) * 12 + int(periode[5:7]) - 1


def _periode(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months(start: str, end: str) -> list[str]:
    return [_periode(i) for i in range(_index(start), _index(end) + 1)]


# --- regions ---------------------------------------------------------------------------------------


@cache
def provinces() -> tuple[str, ...]:
    return tuple(sorted(k for k in wilayah.nama() if not wilayah.is_kabupaten_kota(k)))


@cache
def kabupaten_kota(provinsi: str | None = None) -> tuple[str, ...]:
    return tuple(
        sorted(
            k
            for k in wilayah.nama()
            if wilayah.is_kabupaten_kota(k) and (provinsi is None or wilayah.provinsi(k) == provinsi)
        )
    )


def all_pelapor() -> list[str]:
    return sorted([*provinces(), *kabupaten_kota()])


def _jenis(kode: str) -> int:
    """0 kabupaten, 1 kota (codes 71–99), 2 province."""
    if not wilayah.is_kabupaten_kota(kode):
        return 2
    return 1 if int(kode[3:]) >= 71 else 0


def nama_instansi(pelapor: str) -> str:
    name = wilayah.nama()[pelapor]
    if pelapor == "81.71":
        return "Dinas Tenaga Kerja Kota Ambon"
    if _jenis(pelapor) == 2:
        return f"Dinas Tenaga Kerja dan Transmigrasi Provinsi {name}"
    return (
        _rng(0, "instansi", pelapor).choice(
            ["Dinas Tenaga Kerja", "Dinas Tenaga Kerja dan Transmigrasi", "Dinas Ketenagakerjaan"]
        )
        + f" {name}"
    )


# --- the figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trajectory:
    sasaran: int
    awal: float  # share covered when the Inpres was signed
    laju: float  # share gained per month
    sumber_dana: str

    def coverage(self, periode: str) -> float:
        return min(1.0, self.awal + self.laju * max(0, _index(periode) - _index(PERIODE_PERTAMA)))


@cache
def trajectory(seed: int, kode: str, segmen: str) -> Trajectory | None:
    bounds = _SASARAN[segmen][_jenis(kode)]
    if bounds is None:
        return None
    rng = _rng(seed, "lintasan", kode, segmen)
    sasaran = round(math.exp(rng.uniform(math.log(bounds[0]), math.log(bounds[1]))))
    dana = SUMBER_DANA.get(segmen) or rng.choice(["apbd", "apbd", "apbdes", "bapak_asuh", "csr", "campuran"])
    return Trajectory(
        sasaran,
        rng.uniform(*_AWAL[segmen]),
        rng.uniform(*_LAJU[segmen]),
        "bapak_asuh" if (kode, segmen) == ("81.71", "pekerja_rentan") else dana,
    )


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` in parts proportional to `weights`, summing exactly to `total`."""
    parts, done, running = [], 0, 0.0
    for weight in weights:
        running += weight
        upto = round(total * running / sum(weights))
        parts.append(upto - done)
        done = upto
    return parts


@cache
def anchors(seed: int) -> dict[tuple[str, str], tuple[str, int, int]]:
    """(territory, segment) -> (month, sasaran, terlindungi) that the seed reports fix."""
    found = {key: (SEED_PERIODE, *figures) for key, figures in FIXED.items()}
    rng = _rng(seed, "anchors")
    # Sulawesi Tengah province-wide: the province's own row plus every kab/kota, Palu's and Morowali's included.
    rest = [k for k in (SULTENG, *kabupaten_kota(SULTENG)) if (k, "pekerja_rentan") not in found]
    fixed = [found[(k, "pekerja_rentan")] for k in kabupaten_kota(SULTENG) if (k, "pekerja_rentan") in found]
    sasaran = _split(
        SULTENG_SASARAN - sum(f[1] for f in fixed), [trajectory(seed, k, "pekerja_rentan").sasaran for k in rest]
    )
    # Coverage varies by ±30 % around the province's rate: at most ~90 %, never above sasaran.
    terlindungi = _split(SULTENG_TERLINDUNGI - sum(f[2] for f in fixed), [s * rng.uniform(0.7, 1.3) for s in sasaran])
    for kode, s, t in zip(rest, sasaran, terlindungi, strict=True):
        found[(kode, "pekerja_rentan")] = (SEED_PERIODE, s, t)
    # Maluku: all kab/kota but one kabupaten cover all their non-ASN staff (Maluku Barat Daya does, seed 002).
    laggard = rng.choice([k for k in kabupaten_kota("81") if _jenis(k) == 0 and k != "81.08"])
    for kode in kabupaten_kota("81"):
        if (kode, "non_asn") not in found:
            s = trajectory(seed, kode, "non_asn").sasaran
            found[(kode, "non_asn")] = (MALUKU_PERIODE, s, 0 if kode == laggard else s)
    return found


def _pemilu(periode: str) -> float:
    # Ad-hoc election staff are hired from late 2022 for the 2024 vote and the November 2024 Pilkada.
    return 1.0 if "2022-10" <= periode <= "2024-12" else 0.3


def figures(seed: int, kode: str, segmen: str, periode: str) -> tuple[int, int] | None:
    """(sasaran, terlindungi) of a territory's segment in a month; None where it has no such people."""
    path = trajectory(seed, kode, segmen)
    if path is None:
        return None
    anchor = anchors(seed).get((kode, segmen))
    if anchor:
        month, sasaran, terlindungi = anchor
        if periode == month:
            return sasaran, terlindungi
        share = terlindungi / sasaran * path.coverage(periode) / path.coverage(month)
        return sasaran, round(sasaran * min(1.0, share))
    sasaran = round(path.sasaran * (_pemilu(periode) if segmen == "penyelenggara_pemilu" else 1.0))
    return sasaran, round(sasaran * path.coverage(periode))


def is_seed(pelapor: str, periode: str) -> bool:
    """Pelapor-months whose figures the seed reports state: never late, revised, broken or blanked."""
    provinsi = wilayah.provinsi(pelapor)
    return (
        (pelapor == "81.71" and periode in AMBON_JKM)
        or (periode == SEED_PERIODE and provinsi == SULTENG)
        or (periode == MALUKU_PERIODE and provinsi == "81")
    )


def always_reports(pelapor: str) -> bool:
    """Sulawesi Tengah and Maluku never miss a month: their province-wide seed figures need every part."""
    return wilayah.provinsi(pelapor) in (SULTENG, "81")


# --- one submission --------------------------------------------------------------------------------


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k, product = k + 1, product * rng.random()
    return k


def _row(rng: random.Random, kode: str, segmen: str, sasaran: int, terlindungi: int, dana: str, blanks: bool) -> tuple:
    blank = blanks and rng.random() < (0.08 if segmen == "pekerja_rentan" else 0.03)
    iuran = None if blanks and rng.random() < 0.05 else terlindungi * IURAN[segmen]
    return (
        kode,
        segmen,
        None if blank else sasaran,
        terlindungi,
        iuran,
        None if blanks and rng.random() < 0.05 else dana,
    )


def _rupiah(rng: random.Random, low: float, high: float) -> int:
    return int(round(rng.uniform(low, high), -3))


def _klaim(seed: int, pelapor: str, periode: str, rng: random.Random) -> list[tuple]:
    rows = []
    for segmen in SEGMEN:
        found = figures(seed, pelapor, segmen, periode)
        if found is None:
            continue
        covered = found[1]
        if pelapor == "81.71" and segmen == "perangkat_desa" and periode in AMBON_JKM:
            jkm = AMBON_JKM[periode]
            rows.append(("JKM", segmen, jkm, jkm * AMBON_JKM_PER_KASUS))
        elif jkm := _poisson(rng, covered * 0.00025):
            rows.append(("JKM", segmen, jkm, jkm * SANTUNAN_JKM))
        if jkk := _poisson(rng, covered * 0.0004):
            rows.append(("JKK", segmen, jkk, sum(_rupiah(rng, 2e6, 40e6) for _ in range(jkk))))
        if segmen == "pegawai_bumd" and (jht := _poisson(rng, covered * 0.002)):
            rows.append(("JHT", segmen, jht, sum(_rupiah(rng, 5e6, 90e6) for _ in range(jht))))
    return sorted(rows, key=lambda r: (("JKK", "JKM", "JHT").index(r[0]), SEGMEN.index(r[1])))


def _regulasi(pelapor: str, nomor: int, tahun: int) -> str:
    if pelapor == "81.71":
        return "SK Wali Kota Ambon No. 533 Tahun 2021"
    name = wilayah.nama()[pelapor]
    title = ("Peraturan Bupati", "Peraturan Wali Kota", "Peraturan Gubernur")[_jenis(pelapor)]
    short = name.removeprefix("Kabupaten ").removeprefix("Kota ")
    return f"{title} {short} Nomor {nomor} Tahun {tahun} tentang Optimalisasi Jaminan Sosial Ketenagakerjaan"


def _kepatuhan(seed: int, pelapor: str, periode: str, rng: random.Random) -> tuple:
    region = _rng(seed, "kepatuhan", pelapor)
    adopted = region.randint(_index("2021-05"), _index("2024-12")) if region.random() < 0.85 else None
    if pelapor == "81.71":
        adopted = _index("2021-06")
    ptsp_from = region.randint(_index("2021-09"), _index("2026-12"))
    nomor, day = region.randint(1, 120), region.randint(1, 28)
    regulasi = tanggal = None
    if adopted is not None and _index(periode) >= adopted:
        regulasi = _regulasi(pelapor, nomor, adopted // 12)
        tanggal = f"{_periode(adopted)}-{day:02d}"
    # A fiscal year's budget: a year of contributions for those covered in January, give or take.
    year = _rng(seed, "anggaran", pelapor, periode[:4])
    january = max(f"{periode[:4]}-01", PERIODE_PERTAMA)
    covered = sum(f[1] for s in SEGMEN if (f := figures(seed, pelapor, s, january)))
    anggaran = None if year.random() < 0.1 else int(round(covered * 16_800 * 12 * year.uniform(0.8, 1.3), -6))
    bumd = figures(seed, pelapor, "pegawai_bumd", periode)
    share = bumd[1] / bumd[0] if bumd and bumd[0] else 0
    terdaftar = None if rng.random() < 0.1 else "Ya" if share >= 0.95 else "Sebagian" if share >= 0.2 else "Tidak"
    return (regulasi, tanggal, anggaran, "Ya" if _index(periode) >= ptsp_from else "Tidak", terdaftar)


def _atas_nama(seed: int, kode: str, periode: str) -> list[tuple]:
    """What a province knows of a kab/kota: last month's figures, pekerja rentan and often perangkat desa."""
    if kode == "72.71" and periode == SEED_PERIODE:
        return [(kode, "pekerja_rentan", *PALU_ATAS_NAMA, PALU_ATAS_NAMA[1] * IURAN["pekerja_rentan"], "apbd")]
    rng = _rng(seed, "atas-nama", kode, periode)
    earlier = max(_periode(_index(periode) - 1), PERIODE_PERTAMA)
    rows = []
    for segmen in ("pekerja_rentan", "perangkat_desa"):
        if segmen == "pekerja_rentan" or rng.random() < 0.5:
            sasaran, terlindungi = figures(seed, kode, segmen, earlier)
            rows.append(_row(rng, kode, segmen, sasaran, terlindungi, trajectory(seed, kode, segmen).sumber_dana, True))
    return rows


def tanggal_laporan(periode: str, rng: random.Random, late: bool = False) -> date:
    """Signed in the last days of the month or by the 10th of the next; a late one after the 10th."""
    year, month = divmod(_index(periode) + 1, 12)
    next_month = date(year, month + 1, 1)
    return next_month + timedelta(days=rng.randint(10, 40) if late else rng.randint(-5, 9))


def build_submission(
    seed: int,
    pelapor: str,
    periode: str,
    *,
    on_behalf: tuple[str, ...] = (),
    tanggal: date | None = None,
    fmt: str = "xlsx",
) -> Submission:
    """The true report of `pelapor` for `periode`, rows on behalf of `on_behalf` kab/kota included."""
    rng = _rng(seed, "isi", pelapor, periode)
    blanks = not is_seed(pelapor, periode)
    rows = []
    for segmen in SEGMEN:
        if found := figures(seed, pelapor, segmen, periode):
            rows.append(_row(rng, pelapor, segmen, *found, trajectory(seed, pelapor, segmen).sumber_dana, blanks))
    for kode in on_behalf:
        rows.extend(_atas_nama(seed, kode, periode))
    identitas = {
        "kode_pelapor": pelapor,
        "periode": periode,
        "nama_instansi": nama_instansi(pelapor),
        "tanggal_laporan": (tanggal or tanggal_laporan(periode, rng)).isoformat(),
    }
    sheets = {
        "kepesertaan": rows,
        "kepatuhan": [_kepatuhan(seed, pelapor, periode, rng)],
        "klaim": _klaim(seed, pelapor, periode, rng),
    }
    return Submission(pelapor, periode, identitas, sheets, format=fmt)


def _ribuan(value: object) -> object:
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else value


def _as_typed_in_indonesia(sub: Submission) -> Submission:
    """Numbers with '.' thousands separators, as a CSV saved by Excel in an Indonesian locale has them."""
    typed = copy.deepcopy(sub)
    numeric = {"kepesertaan": (2, 3, 4), "kepatuhan": (2,), "klaim": (2, 3)}
    for name, columns in numeric.items():
        typed.sheets[name] = [
            tuple(_ribuan(v) if i in columns else v for i, v in enumerate(row)) for row in typed.sheets[name]
        ]
    return typed


def _earlier_draft(sub: Submission, rng: random.Random, tanggal: date) -> Submission:
    """The first version of a revised report: some coverage figures lower, signed earlier."""
    draft = copy.deepcopy(sub)
    rows = draft.sheets["kepesertaan"]
    for i in rng.sample(range(len(rows)), k=min(len(rows), rng.randint(1, 3))):
        kode, segmen, sasaran, terlindungi, iuran, dana = rows[i]
        lower = round(terlindungi * rng.uniform(0.8, 0.97))
        rows[i] = (kode, segmen, sasaran, lower, None if iuran is None else lower * IURAN[segmen], dana)
    draft.identitas["tanggal_laporan"] = tanggal.isoformat()
    return draft


# --- the whole inbox -------------------------------------------------------------------------------


@dataclass
class Entry:
    path: str  # relative to the inbox, '/'-separated
    delivery: str  # what the intake calls the delivery: the file name, or the stem of a CSV set
    pelapor: str | None
    periode: str
    format: str
    kind: str
    reasons: list[str] = field(default_factory=list)  # BROKEN_KINDS keys, for broken files
    arrived: float | None = None  # when the file reached the inbox (its mtime), seconds since the epoch


@dataclass
class Manifest:
    params: dict
    files: list[Entry] = field(default_factory=list)
    # Pelapor-months never sent (--missing): no file says so, only this answer key does. [pelapor, periode].
    missing: list[list[str]] = field(default_factory=list)
    # With --peserta, per month what the register marts must find nationally (see _register_key).
    peserta: dict[str, dict] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        data = {"params": self.params, "files": [asdict(e) for e in self.files], "missing": self.missing}
        if self.peserta:
            data["peserta"] = self.peserta
        Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Manifest:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(
            data["params"], [Entry(**e) for e in data["files"]], data.get("missing", []), data.get("peserta", {})
        )

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for entry in self.files:
            found[entry.kind] = found.get(entry.kind, 0) + 1
        return found


@dataclass
class _Job:
    pelapor: str
    periode: str
    kind: str
    fmt: str
    encoding: str = "utf-8"
    delimiter: str = ","
    ribuan: bool = False
    broken: str | None = None
    on_behalf: tuple[str, ...] = ()


def pelapor_subset(seed: int, scale: float) -> list[str]:
    """A deterministic `scale` share of the 552 pelapor; Sulawesi Tengah and Maluku always, for the seeds."""
    everyone = all_pelapor()
    if scale >= 1:
        return everyone
    shuffled = everyone[:]
    _rng(seed, "skala").shuffle(shuffled)
    chosen = set(shuffled[: round(scale * len(everyone))])
    return sorted(chosen | {p for p in everyone if always_reports(p)})


def _plan(
    seed, periodes, subset, late, revised, broken, formats, missing=0.0, skip_broken=()
) -> tuple[list[_Job], list[list[str]]]:
    """(the jobs to write, the [pelapor, periode] never sent)."""
    jobs, absent, kinds = [], [], [k for k in breaking.BROKEN_KINDS if k not in skip_broken]
    for periode in periodes:
        month = []
        for pelapor in subset:
            # A stream of its own: with --missing 0 every other draw, and so every byte, is as before the option.
            if (
                not is_seed(pelapor, periode)
                and not always_reports(pelapor)
                and _rng(seed, "absen", pelapor, periode).random() < missing
            ):
                absent.append([pelapor, periode])
                continue
            rng = _rng(seed, "nasib", pelapor, periode)
            draw = rng.random()
            kind = (
                GOOD
                if is_seed(pelapor, periode)
                else (
                    BROKEN
                    if draw < broken
                    else REVISED_NEW
                    if draw < broken + revised
                    else LATE
                    if draw < broken + revised + late
                    else GOOD
                )
            )
            fmt = "xlsx" if "xlsx" in formats else "csv"
            if len(formats) == 2 and not is_seed(pelapor, periode) and rng.random() < 0.25:
                fmt = "csv"
            job = _Job(pelapor, periode, kind, fmt)
            if fmt == "csv":
                job.encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "cp1252"])
                job.delimiter = rng.choice([",", ";"])  # ';' where Windows is set to Indonesian
                job.ribuan = job.delimiter == ";" and rng.random() < 0.5
            if kind == BROKEN:
                # Round robin over the kinds that fit, so every kind shows up once there are enough.
                fits = [
                    k
                    for k in kinds
                    if breaking.applicable(k, pelapor, periode) and breaking.FORMAT.get(k, fmt) in formats
                ]
                if fits:
                    job.broken = fits[0]
                    kinds.remove(fits[0])
                    kinds.append(fits[0])
                else:
                    job.kind = GOOD
            month.append(job)
        # A province reports for some of its kab/kota that have not (validly, by the 10th) reported themselves.
        reported = {j.pelapor for j in month if j.kind in (GOOD, REVISED_NEW)}
        for job in month:
            if not wilayah.is_kabupaten_kota(job.pelapor):
                rng = _rng(seed, "atas-nama", job.pelapor, periode)
                job.on_behalf = tuple(
                    k
                    for k in kabupaten_kota(job.pelapor)
                    if rng.random() < (0.03 if k in reported else 0.6) or (k, periode) == ("72.71", SEED_PERIODE)
                )
        jobs.extend(month)
    return jobs, absent


def _touch(paths: list[Path], day: date) -> None:
    """The file arrives when it was signed (10:00 WIB): the intake orders revisions by arrival."""
    stamp = datetime(day.year, day.month, day.day, 10, tzinfo=WIB).timestamp()
    for path in paths:
        os.utime(path, (stamp, stamp))


def _write(
    seed: int, job: _Job, out: Path, rng: random.Random, peserta: float | None = None, listed: dict | None = None
) -> list[tuple[list[Path], str, str]]:
    """Write one job's files: [(paths, kind, stem)]. With `peserta` (the scale factor) a submission that is not
    broken carries its list, and `listed[pelapor]` gets that list's NIKs."""
    tanggal = tanggal_laporan(job.periode, rng, late=job.kind == LATE)
    sub = build_submission(seed, job.pelapor, job.periode, on_behalf=job.on_behalf, tanggal=tanggal, fmt=job.fmt)
    if peserta is not None and job.kind != BROKEN:
        sub.sheets["peserta"] = lists.daftar(job.pelapor, sub.sheets["kepesertaan"], peserta)
        listed[job.pelapor] = [row[0] for row in sub.sheets["peserta"]]
    sub.encoding, sub.delimiter = job.encoding, job.delimiter
    stem = f"{job.pelapor}_{job.periode}"
    typed = _as_typed_in_indonesia if job.ribuan else (lambda s: s)
    written = []
    if job.kind == BROKEN:
        written.append((breaking.make_broken(job.broken, out, rng, base=sub, stem=stem), BROKEN, stem))
    elif job.kind == REVISED_NEW:
        later = tanggal + timedelta(days=rng.randint(3, 20))
        sub.identitas["tanggal_laporan"] = later.isoformat()
        draft = _earlier_draft(sub, rng, tanggal)
        if "peserta" in draft.sheets:  # the draft's own, shorter list
            draft.sheets["peserta"] = lists.daftar(job.pelapor, draft.sheets["kepesertaan"], peserta)
        written.append((typed(draft).write(out, stem), REVISED_OLD, stem))
        _touch(written[-1][0], tanggal)
        tanggal, stem = later, f"{stem}_revisi1"
        written.append((typed(sub).write(out, stem), REVISED_NEW, stem))
    else:
        written.append((typed(sub).write(out, stem), job.kind, stem))
    _touch(written[-1][0], tanggal)
    return written


def _bpjs_rows(seed: int, periode: str):
    """BPJS's count is close to the region's own; a few territories are off by more than 10 % all along."""
    everywhere = kabupaten_kota()
    off = set(_rng(seed, "selisih").sample(everywhere, k=max(3, round(0.02 * len(everywhere)))))
    earlier = _periode(_index(periode) - 1)
    for kode in everywhere:
        rng = _rng(seed, "bpjs", kode, periode)
        gap = _rng(seed, "selisih", kode)
        factor = gap.choice([gap.uniform(0.65, 0.88), gap.uniform(1.12, 1.35)]) if kode in off else None
        for segmen in SEGMEN:
            _, terlindungi = figures(seed, kode, segmen, periode)
            aktif = round(terlindungi * (factor or rng.uniform(0.97, 1.03)))
            before = figures(seed, kode, segmen, earlier)[1] if earlier >= PERIODE_PERTAMA else 0
            baru = max(0, terlindungi - before) + round(aktif * rng.uniform(0.002, 0.01))
            yield kode, periode, segmen, aktif, baru, aktif * IURAN[segmen]


def _register_key(seed: int, listed: dict[str, list[str]], key: bytes) -> tuple[dict, list[bytes]]:
    """A month's answer key from its final lists (each pelapor's newest, valid version), as the register marts
    count: persons once nationally, those listed by more than one pelapor, the pairs of pelapor listing the same
    persons; and the pseudonyms of BPJS's extract, which leaves out a TIDAK_AKTIF share of the persons."""
    # Nearly everyone is listed once: only the others get a list of who lists them (tens of millions of persons
    # in a benchmark's register).
    first: dict[str, str] = {}
    more: dict[str, list[str]] = {}
    for pelapor in sorted(listed):
        for nik in listed[pelapor]:
            if nik in first:
                more.setdefault(nik, [first[nik]]).append(pelapor)
            else:
                first[nik] = pelapor
    pairs: dict[tuple[str, str], int] = {}
    for names in more.values():
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                pairs[a, b] = pairs.get((a, b), 0) + 1
    digest = pseudonym.hasher(key)
    aktif = [digest(nik.encode()) for nik in first if lists.aktif_di_bpjs(seed, nik)]
    return {
        "orang_unik": len(first),
        "orang_tercatat_ganda": len(more),
        "orang_tidak_aktif_bpjs": len(first) - len(aktif),
        "pasangan": [[a, b, _jenis_ganda(a, b), n] for (a, b), n in sorted(pairs.items())],
    }, aktif


def _jenis_ganda(a: str, b: str) -> str:
    """As fct_register_ganda names a pair."""
    if not wilayah.is_kabupaten_kota(a) and wilayah.provinsi(b) == a:
        return "provinsi_dan_kabkota"
    return "antar_kabkota" if wilayah.is_kabupaten_kota(a) and wilayah.is_kabupaten_kota(b) else "lain"


def generate(
    out_dir: Path,
    *,
    start: str = "2022-01",
    end: str = "2022-12",
    seed: int = 1,
    scale: float = 1.0,
    late: float = 0.05,
    revised: float = 0.03,
    broken: float = 0.02,
    missing: float = 0.0,
    skip_broken: tuple[str, ...] = (),
    formats: tuple[str, ...] = ("xlsx", "csv"),
    progress: bool = True,
    peserta: float | None = None,
    nik_key: bytes | None = None,
) -> Manifest:
    """Write the inbox for months start..end into `out_dir` (BPJS extracts in `out_dir/bpjs/`).

    `missing` is the share of pelapor-months never sent (never a seed one, never Sulawesi Tengah or Maluku);
    `skip_broken` names broken kinds not to make (the bundled sample leaves out the zip bomb and the
    oversized file, which a repository should not carry). `peserta`, a scale factor (0.01: one person listed
    per hundred terlindungi; above 1, as benchmarks need, lists name more persons than are claimed), adds
    template v1.1's participant lists and BPJS's per-participant extracts, pseudonymised with `nik_key`; the
    manifest's `peserta` is their answer key.
    """
    if peserta is not None and not (0 < peserta and nik_key):
        raise ValueError("peserta needs a scale factor above 0 and the NIK key BPJS's extract is made with")
    if not PERIODE_PERTAMA <= start <= end:
        raise ValueError(f"need {PERIODE_PERTAMA} <= start <= end, got {start}..{end}")
    if not formats or set(formats) - {"xlsx", "csv"}:
        raise ValueError(f"formats must be xlsx and/or csv, got {formats}")
    if unknown := set(skip_broken) - set(breaking.BROKEN_KINDS):
        raise ValueError(f"unknown broken kinds {sorted(unknown)}; known: {', '.join(breaking.BROKEN_KINDS)}")
    formats = tuple(formats)
    out = Path(out_dir)
    (out / "bpjs").mkdir(parents=True, exist_ok=True)
    periodes = months(start, end)
    jobs, absent = _plan(
        seed, periodes, pelapor_subset(seed, scale), late, revised, broken, formats, missing, tuple(skip_broken)
    )
    manifest = Manifest(
        dict(
            start=start,
            end=end,
            seed=seed,
            scale=scale,
            late=late,
            revised=revised,
            broken=broken,
            missing=missing,
            skip_broken=list(skip_broken),
            formats=list(formats),
        ),
        missing=absent,
    )
    if peserta is not None:
        manifest.params.update(
            peserta=peserta, pindah=lists.PINDAH, dari_kabkota=lists.DARI_KABKOTA, tidak_aktif=lists.TIDAK_AKTIF
        )
    listed: dict[str, dict[str, list[str]]] = {periode: {} for periode in periodes}
    with tqdm(total=len(jobs) + len(periodes), unit="submission", disable=not progress, desc="inpres.generate") as bar:
        for job in jobs:
            rng = _rng(seed, "berkas", job.pelapor, job.periode)
            for paths, kind, stem in _write(seed, job, out, rng, peserta, listed[job.periode]):
                for path in paths:
                    manifest.files.append(
                        Entry(
                            path.relative_to(out).as_posix(),
                            stem if path.suffix == ".csv" else path.name,
                            job.pelapor,
                            job.periode,
                            "csv" if path.suffix == ".csv" else "xlsx",
                            kind,
                            [job.broken] if kind == BROKEN else [],
                            path.stat().st_mtime,
                        )
                    )
            bar.update()
        for periode in periodes:
            path = write_bpjs_extract(out / "bpjs" / f"bpjs_{periode}.csv", _bpjs_rows(seed, periode))
            year, month = divmod(_index(periode) + 1, 12)
            _touch([path], date(year, month + 1, 15))
            manifest.files.append(
                Entry(path.relative_to(out).as_posix(), path.name, None, periode, "csv", BPJS, [], path.stat().st_mtime)
            )
            if peserta is not None:
                manifest.peserta[periode], aktif = _register_key(seed, listed[periode], nik_key)
                path = write_bpjs_peserta(out / "bpjs" / f"bpjs_peserta_{periode}.csv", periode, aktif)
                _touch([path], date(year, month + 1, 15))
                manifest.files.append(
                    Entry(
                        path.relative_to(out).as_posix(),
                        path.name,
                        None,
                        periode,
                        "csv",
                        BPJS_PESERTA,
                        [],
                        path.stat().st_mtime,
                    )
                )
            bar.update()
    manifest.save(out / MANIFEST)
    return manifest


def restore_arrival(inbox: Path) -> int:
    """Give every file of a generated inbox its arrival time again, from the manifest.

    Git does not keep modification times, and intake reads arrival (which orders revisions and decides
    timeliness) from them: a clone of the bundled sample would otherwise look as if it all arrived today.
    """
    manifest = Manifest.load(Path(inbox) / MANIFEST)
    restored = 0
    for entry in manifest.files:
        path = Path(inbox) / entry.path
        if entry.arrived is not None and path.exists():
            os.utime(path, (entry.arrived, entry.arrived))
            restored += 1
    return restored
