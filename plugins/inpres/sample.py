"""The bundled sample inbox: a few submissions for October 2022 that carry the seed reports' figures.

Regenerate with `python -m inpres.sample sample_inbox` (deterministic: same bytes every time).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from inpres.ingest.template import write_workbook

PERIODE = "2022-10"


def _sulawesi_tengah_on_behalf() -> list[tuple]:
    """The province's own rows plus its kab/kota, chosen so that Sulawesi Tengah province-wide is
    48,55 % of 978.084 pekerja rentan with Palu's and Morowali's own reports (seed 004)."""
    rng = random.Random(72)
    others = ["72", "72.01", "72.02", "72.03", "72.04", "72.05", "72.07", "72.08", "72.09", "72.10", "72.11", "72.12"]
    sasaran_left, terlindungi_left = 978_084 - 26_000 - 41_000, 474_860 - 7_000 - 28_000
    weights = [rng.uniform(0.5, 1.5) for _ in others]
    rows = []
    for i, kode in enumerate(others):
        last = i == len(others) - 1
        sasaran = sasaran_left if last else round(911_084 * weights[i] / sum(weights))
        terlindungi = terlindungi_left if last else round(sasaran * 439_860 / 911_084)
        sasaran_left -= sasaran
        terlindungi_left -= terlindungi
        rows.append((kode, "pekerja_rentan", sasaran, terlindungi, terlindungi * 16_800, "apbd"))
    # The province also sends a figure for Palu; Palu's own report must win over it.
    rows.append(("72.71", "pekerja_rentan", 26_000, 6_500, 6_500 * 16_800, "apbd"))
    rows.append(("72", "non_asn", 5_400, 5_400, 5_400 * 16_800, "apbd"))
    return rows


SUBMISSIONS = {
    ("81.71", "Dinas Tenaga Kerja Kota Ambon"): [
        ("81.71", "pekerja_rentan", 70_000, 40_000, 40_000 * 16_800, "bapak_asuh"),
        ("81.71", "non_asn", 2_850, 2_850, 2_850 * 16_800, "apbd"),
        ("81.71", "perangkat_desa", 1_232, 1_232, 1_232 * 16_800, "apbdes"),
    ],
    ("81", "Dinas Tenaga Kerja dan Transmigrasi Provinsi Maluku"): [
        ("81", "non_asn", 9_100, 8_150, 8_150 * 16_800, "apbd"),
        ("81", "pegawai_bumd", 640, 512, None, None),
    ],
    ("72.71", "Dinas Tenaga Kerja Kota Palu"): [
        ("72.71", "pekerja_rentan", 26_000, 7_000, 7_000 * 16_800, "apbd"),
    ],
    ("72.06", "Dinas Tenaga Kerja dan Transmigrasi Kabupaten Morowali"): [
        ("72.06", "pekerja_rentan", 41_000, 28_000, 28_000 * 16_800, "csr"),
        ("72.06", "non_asn", 3_900, 3_900, 3_900 * 16_800, "apbd"),
    ],
    ("72", "Dinas Tenaga Kerja dan Transmigrasi Provinsi Sulawesi Tengah"): _sulawesi_tengah_on_behalf(),
}


def write_sample_inbox(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for (pelapor, instansi), rows in SUBMISSIONS.items():
        path = folder / f"{pelapor}_{PERIODE}.xlsx"
        write_workbook(path, pelapor=pelapor, periode=PERIODE, nama_instansi=instansi, kepesertaan=rows)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_sample_inbox(Path(sys.argv[1] if len(sys.argv) > 1 else "sample_inbox")):
        print(path)
