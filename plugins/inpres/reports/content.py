"""The tables of the monthly reports and the headline findings, built from `Figures`.

A table here is picked from the marts' rows column by column; the only arithmetic is none. The findings
are sentences around figures the marts already hold (a rank, a count of reports, a change).
"""

from __future__ import annotations

from inpres.reports.figures import Figures
from inpres.reports.formatting import format_angka, format_periode, format_persen, format_poin, format_tanggal
from inpres.reports.tables import Grafik, Kolom, Tabel

# Dict order is the fixed segment order of every table.
SEGMEN_LABEL = {
    "pekerja_rentan": "Pekerja rentan",
    "non_asn": "Pegawai non-ASN",
    "perangkat_desa": "Perangkat desa",
    "penyelenggara_pemilu": "Penyelenggara pemilu",
    "pegawai_bumd": "Pegawai BUMD",
}
SEGMEN_SINGKAT = {
    "pekerja_rentan": "P. rentan",
    "non_asn": "Non-ASN",
    "perangkat_desa": "Perangkat desa",
    "penyelenggara_pemilu": "Pemilu",
    "pegawai_bumd": "BUMD",
}
POIN_KEPATUHAN = {
    "regulasi": "Regulasi",
    "anggaran": "Anggaran",
    **{f"cakupan_{s}": f"Cakupan {SEGMEN_SINGKAT[s]}" for s in SEGMEN_LABEL},
    "bumd_terdaftar": "BUMD terdaftar",
    "ptsp": "PTSP",
}
STATUS_LAPORAN = {"tepat_waktu": "Tepat waktu", "terlambat": "Terlambat", "belum_lapor": "Belum melapor"}
TINGKAT = {"provinsi": "Provinsi", "kabupaten": "Kabupaten", "kota": "Kota", "nasional": "Nasional"}

MART_CAKUPAN = "marts.fct_cakupan_wilayah"


def segmen_label(segmen: str) -> str:
    return SEGMEN_LABEL.get(segmen, segmen)


def _kode(label="Kode"):
    return Kolom("kode_wilayah", label, "kode", "Kode wilayah Kemendagri (bertitik); 00 = Indonesia.")


def _nama(label="Wilayah"):
    return Kolom("nama_wilayah", label, "teks", "Nama wilayah.")


def _by_segmen(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["kode_wilayah"], r["segmen"]): r for r in rows}


def _segment_order(r: dict):
    return list(SEGMEN_LABEL).index(r["segmen"]) if r["segmen"] in SEGMEN_LABEL else len(SEGMEN_LABEL)


def cakupan_nasional(f: Figures) -> Tabel:
    rows = sorted(f.nasional(f.cakupan), key=_segment_order)
    return Tabel(
        "ringkasan_nasional", f"Cakupan nasional per segmen, {format_periode(f.periode)}",
        (
            Kolom("segmen", "Segmen", "teks", "Segmen pekerja."),
            Kolom("sasaran", "Sasaran", "angka", "Pekerja yang harus dilindungi; kosong bila ada bagian yang belum dilaporkan."),
            Kolom("terlindungi", "Terlindungi", "angka", "Peserta aktif BPJS Ketenagakerjaan pada akhir bulan."),
            Kolom("persen_terlindungi", "Cakupan", "persen", "100 × terlindungi / sasaran."),
            Kolom("perubahan_terlindungi_bulan_lalu", "Δ terlindungi (bulan lalu)", "angka", "Terlindungi dikurangi terlindungi bulan sebelumnya."),
            Kolom("perubahan_persen_bulan_lalu", "Δ cakupan (bulan lalu)", "poin", "Perubahan cakupan dari bulan sebelumnya, dalam poin persen."),
            Kolom("perubahan_terlindungi_tahun_lalu", "Δ terlindungi (tahun lalu)", "angka", "Terlindungi dikurangi terlindungi bulan yang sama tahun lalu."),
            Kolom("perubahan_persen_tahun_lalu", "Δ cakupan (tahun lalu)", "poin", "Perubahan cakupan dari bulan yang sama tahun lalu, dalam poin persen."),
        ),
        [(segmen_label(r["segmen"]), r["sasaran"], r["terlindungi"], r["persen_terlindungi"],
          r["perubahan_terlindungi_bulan_lalu"], r["perubahan_persen_bulan_lalu"],
          r["perubahan_terlindungi_tahun_lalu"], r["perubahan_persen_tahun_lalu"]) for r in rows],
        sumber=(MART_CAKUPAN,),
        lembar="Ringkasan nasional",
    )


def peringkat_provinsi(f: Figures) -> Tabel:
    """The 38 provinces ranked by pekerja-rentan coverage, with their scorecard and reporting."""
    cakupan = _by_segmen(f.cakupan)
    kepatuhan = {r["kode_wilayah"]: r for r in f.kepatuhan}
    kelengkapan = {r["kode_wilayah"]: r for r in f.kelengkapan}
    rows = []
    for w in (w for w in f.wilayah if w["tingkat"] == "provinsi"):
        c = cakupan.get((w["kode_wilayah"], "pekerja_rentan"), {})
        k = kepatuhan.get(w["kode_wilayah"], {})
        lengkap = kelengkapan.get(w["kode_wilayah"], {})
        rows.append((w["kode_wilayah"], w["nama_wilayah"], c.get("peringkat"), c.get("sasaran"), c.get("terlindungi"),
                     c.get("persen_terlindungi"), c.get("perubahan_persen_bulan_lalu"), k.get("skor"),
                     k.get("peringkat"), lengkap.get("laporan_diterima"), lengkap.get("laporan_diharapkan")))
    # Ranked first, best first; then the unranked by code.
    rows.sort(key=lambda r: (r[2] is None, r[2] or 0, r[0]))
    return Tabel(
        "peringkat_provinsi", f"Peringkat provinsi: cakupan pekerja rentan dan kepatuhan Inpres, {format_periode(f.periode)}",
        (
            _kode(), _nama("Provinsi"),
            Kolom("peringkat_cakupan", "Peringkat", "angka", "Peringkat cakupan pekerja rentan di antara provinsi (1 = tertinggi)."),
            Kolom("sasaran_pekerja_rentan", "Sasaran", "angka", "Sasaran pekerja rentan seluruh provinsi."),
            Kolom("terlindungi_pekerja_rentan", "Terlindungi", "angka", "Pekerja rentan terlindungi seluruh provinsi."),
            Kolom("persen_pekerja_rentan", "Cakupan", "persen", "Cakupan pekerja rentan."),
            Kolom("perubahan_persen_bulan_lalu", "Δ bulan lalu", "poin", "Perubahan cakupan pekerja rentan dari bulan lalu, poin persen."),
            Kolom("skor_kepatuhan", "Skor Inpres", "persen", "Skor kartu kepatuhan Inpres pemerintah provinsi (0–100)."),
            Kolom("peringkat_kepatuhan", "Peringkat skor", "angka", "Peringkat skor kepatuhan di antara provinsi."),
            Kolom("laporan_diterima", "Diterima", "angka", "Laporan bulan ini yang diterima dari provinsi dan kab/kotanya."),
            Kolom("laporan_diharapkan", "Diharapkan", "angka", "Laporan yang diharapkan: provinsi dan setiap kab/kotanya."),
        ),
        rows,
        catatan="Peringkat sama untuk cakupan yang sama. Provinsi tanpa cakupan yang dapat dihitung tidak diberi peringkat dan ditampilkan di bawah.",
        grafik=Grafik("batang", "Cakupan pekerja rentan per provinsi (%)", "nama_wilayah", ("persen_pekerja_rentan",)),
        sumber=(MART_CAKUPAN, "marts.fct_kepatuhan_pelapor", "marts.fct_kelengkapan_laporan"),
    )


def cakupan_provinsi(f: Figures) -> Tabel:
    rows = sorted((r for r in f.cakupan if r["tingkat"] == "provinsi"),
                  key=lambda r: (r["kode_wilayah"], _segment_order(r)))
    return Tabel(
        "cakupan_provinsi", f"Cakupan per provinsi dan segmen, {format_periode(f.periode)}",
        (
            _kode(), _nama("Provinsi"),
            Kolom("segmen", "Segmen", "teks", "Segmen pekerja."),
            Kolom("sasaran", "Sasaran", "angka", "Sasaran seluruh provinsi (pemerintah provinsi dan kab/kotanya)."),
            Kolom("terlindungi", "Terlindungi", "angka", "Terlindungi seluruh provinsi."),
            Kolom("persen_terlindungi", "Cakupan", "persen", "100 × terlindungi / sasaran."),
            Kolom("peringkat", "Peringkat", "angka", "Peringkat cakupan segmen ini di antara provinsi."),
            Kolom("perubahan_persen_bulan_lalu", "Δ bulan lalu", "poin", "Perubahan cakupan dari bulan lalu, poin persen."),
        ),
        [(r["kode_wilayah"], r["nama_wilayah"], segmen_label(r["segmen"]), r["sasaran"], r["terlindungi"],
          r["persen_terlindungi"], r["peringkat"], r["perubahan_persen_bulan_lalu"]) for r in rows],
        sumber=(MART_CAKUPAN,),
    )


def cakupan_wilayah(f: Figures) -> Tabel:
    """Every territory and segment of the month (for the workbook and the CSV, not printed)."""
    rows = sorted(f.cakupan, key=lambda r: (tuple(r["kode_wilayah"].split(".")), _segment_order(r)))
    return Tabel(
        "cakupan_wilayah", f"Cakupan per wilayah dan segmen, {format_periode(f.periode)}",
        (
            _kode(), _nama(), Kolom("tingkat", "Tingkat", "teks", "nasional, provinsi, kabupaten atau kota."),
            Kolom("periode", "Periode", "kode", "Bulan, YYYY-MM."),
            Kolom("segmen", "Segmen", "kode", "Kode segmen."),
            Kolom("sasaran", "Sasaran", "angka", "Pekerja yang harus dilindungi; kosong = tidak diketahui."),
            Kolom("terlindungi", "Terlindungi", "angka", "Peserta aktif BPJS Ketenagakerjaan."),
            Kolom("persen_terlindungi", "Cakupan", "persen", "100 × terlindungi / sasaran."),
            Kolom("peringkat", "Peringkat", "angka", "Provinsi di antara provinsi; kab/kota di antara kab/kota provinsinya."),
        ),
        [(r["kode_wilayah"], r["nama_wilayah"], r["tingkat"], r["periode"], r["segmen"], r["sasaran"],
          r["terlindungi"], r["persen_terlindungi"], r["peringkat"]) for r in rows],
        sumber=(MART_CAKUPAN,),
    )


def kepatuhan_provinsi(f: Figures) -> Tabel:
    rows = sorted((r for r in f.kepatuhan if r["jenjang"] == "provinsi"), key=lambda r: r["kode_wilayah"])
    return Tabel(
        "kepatuhan_provinsi", f"Kartu kepatuhan Inpres pemerintah provinsi, {format_periode(f.periode)}",
        (
            _kode(), _nama("Provinsi"),
            *(Kolom(f"status_{p}", label, "status", f"Status poin {label.lower()}.") for p, label in POIN_KEPATUHAN.items()),
            Kolom("poin_diperoleh", "Poin", "angka", "Poin diperoleh (2 per terpenuhi, 1 per sebagian)."),
            Kolom("poin_maksimal", "Maks.", "angka", "2 × jumlah poin yang statusnya diketahui."),
            Kolom("skor", "Skor", "persen", "100 × poin / poin maksimal."),
            Kolom("peringkat", "Peringkat", "angka", "Peringkat skor di antara provinsi."),
        ),
        [(r["kode_wilayah"], r["nama_wilayah"], *(r[f"status_{p}"] for p in POIN_KEPATUHAN),
          r["poin_diperoleh"], r["poin_maksimal"], r["skor"], r["peringkat"]) for r in rows],
        catatan="● terpenuhi · ◐ sebagian · ○ tidak terpenuhi · ? tidak diketahui. Hanya pemerintah provinsi yang melapor bulan ini yang ditampilkan.",
        sumber=("marts.fct_kepatuhan_pelapor",),
        lembar="Kartu kepatuhan",
    )


def kabupaten_kota(f: Figures) -> Tabel:
    """Every kab/kota with its reporting status and coverage; the province annexes print their part."""
    cakupan = _by_segmen(f.cakupan)
    laporan = {r["kode_wilayah"]: r for r in f.laporan}
    rows = []
    for w in (w for w in f.wilayah if w["tingkat"] in ("kabupaten", "kota")):
        kode = w["kode_wilayah"]
        pr = cakupan.get((kode, "pekerja_rentan"), {})
        rows.append((w["kode_provinsi"], kode, w["nama_wilayah"],
                     STATUS_LAPORAN.get(laporan.get(kode, {}).get("status_laporan"), "–"),
                     pr.get("sasaran"), pr.get("terlindungi"), pr.get("persen_terlindungi"), pr.get("peringkat"),
                     *(cakupan.get((kode, s), {}).get("persen_terlindungi") for s in list(SEGMEN_LABEL)[1:])))
    return Tabel(
        "kabupaten_kota", f"Kabupaten/kota: laporan dan cakupan, {format_periode(f.periode)}",
        (
            Kolom("kode_provinsi", "Provinsi", "kode", "Kode provinsi.", di_pdf=False),
            _kode(), _nama("Kabupaten/kota"),
            Kolom("status_laporan", "Laporan", "teks", "Tepat waktu, terlambat, atau belum melapor untuk bulan ini."),
            Kolom("sasaran_pekerja_rentan", "Sasaran p. rentan", "angka", "Sasaran pekerja rentan."),
            Kolom("terlindungi_pekerja_rentan", "Terlindungi p. rentan", "angka", "Pekerja rentan terlindungi."),
            Kolom("persen_pekerja_rentan", "Cakupan p. rentan", "persen", "Cakupan pekerja rentan."),
            Kolom("peringkat_pekerja_rentan", "Peringkat", "angka", "Peringkat cakupan pekerja rentan di antara kab/kota provinsinya."),
            *(Kolom(f"persen_{s}", f"% {SEGMEN_SINGKAT[s]}", "persen", f"Cakupan {segmen_label(s).lower()}.")
              for s in list(SEGMEN_LABEL)[1:]),
        ),
        rows,
        sumber=(MART_CAKUPAN, "marts.fct_laporan_pelapor"),
        lembar="Kabupaten-kota",
    )


def tren_nasional(f: Figures) -> Tabel:
    by = _by_segmen_periode(f.nasional(f.tren))
    periodes = sorted({r["periode"] for r in f.nasional(f.tren)})
    segmen = list(SEGMEN_LABEL)
    return Tabel(
        "tren_nasional", f"Tren nasional per segmen, {format_periode(periodes[0]) if periodes else ''} – {format_periode(f.periode)}",
        (
            Kolom("periode", "Bulan", "kode", "Bulan, YYYY-MM."),
            *(Kolom(f"terlindungi_{s}", SEGMEN_SINGKAT[s], "angka", f"{segmen_label(s)} terlindungi, nasional.") for s in segmen),
            *(Kolom(f"persen_{s}", f"% {SEGMEN_SINGKAT[s].lower()}", "persen", f"Cakupan nasional {segmen_label(s).lower()}.", di_pdf=False)
              for s in segmen),
        ),
        [(p, *(by.get((p, s), {}).get("terlindungi") for s in segmen),
          *(by.get((p, s), {}).get("persen_terlindungi") for s in segmen)) for p in periodes],
        grafik=Grafik("garis", "Pekerja terlindungi per segmen, nasional", "periode",
                      tuple(f"terlindungi_{s}" for s in segmen)),
        sumber=(MART_CAKUPAN,),
    )


def _by_segmen_periode(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["periode"], r["segmen"]): r for r in rows}


def kelengkapan_provinsi(f: Figures) -> Tabel:
    rows = sorted(f.kelengkapan, key=lambda r: (r["kode_wilayah"] != "00", r["kode_wilayah"]))
    return Tabel(
        "kelengkapan_laporan_provinsi", f"Kelengkapan dan ketepatan waktu laporan, {format_periode(f.periode)}",
        (
            _kode(), _nama("Wilayah"),
            Kolom("laporan_diharapkan", "Diharapkan", "angka", "Laporan yang diharapkan (provinsi dan kab/kotanya; nasional: 552)."),
            Kolom("laporan_diterima", "Diterima", "angka", "Laporan yang diterima (berkas ditolak tidak dihitung)."),
            Kolom("laporan_tepat_waktu", "Tepat waktu", "angka", "Laporan yang versi pertamanya diterima paling lambat pada batas lapor."),
            Kolom("persen_diterima", "% diterima", "persen", "100 × diterima / diharapkan."),
            Kolom("persen_tepat_waktu", "% tepat waktu", "persen", "100 × tepat waktu / diharapkan."),
        ),
        [(r["kode_wilayah"], r["nama_wilayah"], r["laporan_diharapkan"], r["laporan_diterima"],
          r["laporan_tepat_waktu"], r["persen_diterima"], r["persen_tepat_waktu"]) for r in rows],
        catatan=(f"Batas lapor: {_batas(f)}. Ketepatan waktu ditentukan oleh versi pertama; revisi tidak mengubahnya."),
        grafik=Grafik("batang", "Laporan diterima dan tepat waktu (%)", "nama_wilayah", ("persen_diterima", "persen_tepat_waktu")),
        sumber=("marts.fct_kelengkapan_laporan",),
        lembar="Kelengkapan laporan",
    )


def _batas(f: Figures) -> str:
    batas = next((r["batas_lapor"] for r in f.kelengkapan), None)
    return format_tanggal(batas) if batas else "–"


def belum_lapor(f: Figures) -> Tabel:
    nama = {w["kode_wilayah"]: w for w in f.wilayah}
    rows = [r for r in f.laporan if r["status_laporan"] == "belum_lapor"]
    return Tabel(
        "belum_lapor_bulan_ini", f"Pemerintah daerah yang belum melapor untuk {format_periode(f.periode)}",
        (
            Kolom("kode_provinsi", "Provinsi", "kode", "Kode provinsi."),
            _kode(), _nama("Pemerintah daerah"),
            Kolom("tingkat", "Tingkat", "teks", "Provinsi, kabupaten atau kota."),
        ),
        [(r["kode_provinsi"], r["kode_wilayah"], nama[r["kode_wilayah"]]["nama_wilayah"],
          TINGKAT.get(r["tingkat"], r["tingkat"])) for r in rows],
        sumber=("marts.fct_laporan_pelapor",),
        lembar="Belum lapor bulan ini",
    )


def belum_pernah_lapor(f: Figures) -> Tabel:
    return Tabel(
        "belum_pernah_lapor", "Pemerintah daerah yang belum pernah melapor",
        (
            Kolom("kode_provinsi", "Provinsi", "kode", "Kode provinsi."),
            _kode(), _nama("Pemerintah daerah"),
            Kolom("tingkat", "Tingkat", "teks", "Provinsi, kabupaten atau kota."),
            Kolom("kiriman_ditolak", "Berkas ditolak", "angka", "Berkas yang pernah dikirim tetapi ditolak seluruhnya."),
            Kolom("ditolak_terakhir", "Ditolak terakhir", "tanggal", "Tanggal berkas terakhir yang ditolak."),
        ),
        [(r["kode_provinsi"], r["kode_wilayah"], r["nama_wilayah"], TINGKAT.get(r["tingkat"], r["tingkat"]),
          r["kiriman_ditolak"], r["ditolak_terakhir"]) for r in f.belum_pernah],
        sumber=("marts.fct_pelapor_belum_pernah_lapor",),
        lembar="Belum pernah lapor",
    )


def selisih_bpjs(f: Figures) -> Tabel:
    rows = [r for r in f.rekonsiliasi if r["melewati_toleransi"]]
    return Tabel(
        "selisih_bpjs", f"Selisih dengan data BPJS Ketenagakerjaan yang melewati toleransi, {format_periode(f.periode)}",
        (
            Kolom("kode_provinsi", "Provinsi", "kode", "Kode provinsi.", di_pdf=False),
            _kode(), _nama("Kabupaten/kota"),
            Kolom("segmen", "Segmen", "teks", "Segmen pekerja."),
            Kolom("terlindungi", "Dilaporkan daerah", "angka", "Terlindungi menurut laporan daerah."),
            Kolom("peserta_aktif", "Data BPJS", "angka", "Peserta aktif menurut ekstrak BPJS Ketenagakerjaan terbaru."),
            Kolom("selisih", "Selisih", "angka", "Dilaporkan daerah − data BPJS."),
            Kolom("selisih_persen", "Selisih %", "persen", "100 × selisih / data BPJS."),
        ),
        [(r["kode_provinsi"], r["kode_wilayah"], r["nama_wilayah"], segmen_label(r["segmen"]), r["terlindungi"],
          r["peserta_aktif"], r["selisih"], r["selisih_persen"]) for r in rows],
        catatan="Toleransi: selisih lebih dari 10 % data BPJS (variabel dbt toleransi_selisih_persen). Semua pasangan angka ada di rekonsiliasi_bpjs.csv.",
        sumber=("marts.fct_rekonsiliasi_bpjs",),
        lembar="Selisih dengan BPJS",
    )


def klaim(f: Figures) -> Tabel:
    rows = [r for r in f.klaim if r["kasus"] or r["kasus_kumulatif_tahun"]]
    rows.sort(key=lambda r: (tuple(r["kode_wilayah"].split(".")), r["program"], _segment_order(r)))
    return Tabel(
        "klaim", f"Klaim yang dibayar, {format_periode(f.periode)} dan sejak Januari",
        (
            Kolom("kode_provinsi", "Provinsi", "kode", "Kode provinsi; kosong untuk nasional.", di_pdf=False),
            _kode(), _nama(), Kolom("tingkat", "Tingkat", "teks", "Nasional, provinsi, kabupaten atau kota.", di_pdf=False),
            Kolom("program", "Program", "kode", "JKK (kecelakaan kerja), JKM (kematian), JHT (hari tua)."),
            Kolom("segmen", "Segmen", "teks", "Segmen pekerja."),
            Kolom("kasus", "Kasus", "angka", "Klaim dibayar bulan ini."),
            Kolom("nilai_rp", "Nilai", "rupiah", "Nilai klaim dibayar bulan ini, Rupiah."),
            Kolom("kasus_kumulatif_tahun", "Kasus sejak Jan.", "angka", "Klaim dibayar sejak Januari tahun yang sama."),
            Kolom("nilai_rp_kumulatif_tahun", "Nilai sejak Jan.", "rupiah", "Nilai klaim sejak Januari tahun yang sama, Rupiah."),
        ),
        [(r["kode_provinsi"], r["kode_wilayah"], r["nama_wilayah"], TINGKAT.get(r["tingkat"], r["tingkat"]),
          r["program"], segmen_label(r["segmen"]), r["kasus"], r["nilai_rp"], r["kasus_kumulatif_tahun"],
          r["nilai_rp_kumulatif_tahun"]) for r in rows],
        sumber=("marts.fct_klaim_wilayah",),
        lembar="Klaim",
    )


def non_asn(f: Figures) -> Tabel:
    return Tabel(
        "perlindungan_non_asn", f"Kab/kota yang melindungi seluruh pegawai non-ASN, {format_periode(f.periode)}",
        (
            _kode(), _nama("Provinsi"),
            Kolom("jumlah_kabupaten_kota", "Kab/kota", "angka", "Kab/kota di provinsi."),
            Kolom("kabupaten_kota_melapor", "Melapor non-ASN", "angka", "Kab/kota dengan angka non-ASN bulan ini."),
            Kolom("kabupaten_kota_terlindungi_semua", "Terlindungi semua", "angka", "Kab/kota yang seluruh pegawai non-ASN-nya terlindungi."),
            Kolom("persen_terlindungi_semua", "% kab/kota", "persen", "100 × terlindungi semua / melapor."),
        ),
        [(r["kode_wilayah"], r["nama_wilayah"], r["jumlah_kabupaten_kota"], r["kabupaten_kota_melapor"],
          r["kabupaten_kota_terlindungi_semua"], r["persen_terlindungi_semua"]) for r in f.non_asn],
        sumber=("marts.fct_non_asn_provinsi",),
        lembar="Perlindungan non-ASN",
    )


def penolakan(f: Figures) -> Tabel:
    nama = {w["kode_wilayah"]: w["nama_wilayah"] for w in f.wilayah}
    return Tabel(
        "penolakan", "Berkas yang ditolak",
        (
            Kolom("file_name", "Berkas", "kode", "Nama berkas seperti dikirim."),
            Kolom("pelapor", "Pelapor", "kode", "Kode pelapor bila terbaca."),
            Kolom("nama_pelapor", "Nama pelapor", "teks", "Nama pemerintah daerah pelapor.", di_pdf=False),
            Kolom("periode", "Periode", "kode", "Bulan laporan bila terbaca, YYYY-MM.", di_pdf=False),
            Kolom("received_at", "Diterima", "tanggal", "Kapan berkas tiba."),
            Kolom("alasan", "Alasan", "teks", "Semua alasan penolakan, dipisahkan ' | '."),
        ),
        [(r["file_name"], r["pelapor"], nama.get(r["pelapor"]), r["periode"], r["received_at"], " | ".join(r["alasan"]))
         for r in f.penolakan],
        catatan="Berkas ditolak seluruhnya: tidak ada angkanya yang masuk ke laporan. Berkas dipindahkan ke folder karantina beserta alasannya; pelapor perlu memperbaiki dan mengirim ulang.",
        sumber=("audit.penolakan",),
        lembar="Berkas ditolak",
    )


def peringatan_mutu(f: Figures) -> Tabel:
    return Tabel(
        "peringatan_mutu", "Peringatan gerbang mutu data",
        (
            Kolom("suite", "Gerbang", "kode", "Suite Great Expectations."),
            Kolom("aturan", "Aturan", "teks", "Aturan mutu yang tidak terpenuhi."),
            Kolom("jumlah_baris", "Baris", "angka", "Baris yang melanggar."),
            Kolom("contoh", "Contoh", "teks", "Contoh baris yang melanggar."),
        ),
        [(r["suite"], r["aturan"], r["unexpected_count"],
          "; ".join(", ".join(f"{k}={v}" for k, v in s.items()) for s in (r["sample"] or [])))
         for r in f.peringatan],
        catatan="Angka tetap dilaporkan, tetapi perlu diperiksa sebelum dikutip; rincian setiap pemeriksaan ada di folder data_docs/.",
        sumber=("audit.validation_result",),
        lembar="Peringatan mutu",
    )


def tables_bulanan(f: Figures) -> list[Tabel]:
    """Every table of the monthly report, in the order of the workbook's sheets."""
    return [cakupan_nasional(f), peringkat_provinsi(f), cakupan_provinsi(f), kepatuhan_provinsi(f),
            kabupaten_kota(f), tren_nasional(f), kelengkapan_provinsi(f), belum_lapor(f), belum_pernah_lapor(f),
            selisih_bpjs(f), klaim(f), non_asn(f), penolakan(f), peringatan_mutu(f), cakupan_wilayah(f)]


def temuan_utama(f: Figures) -> list[str]:
    """Headline findings, each a sentence around figures the marts hold."""
    temuan = []
    nasional = {r["segmen"]: r for r in f.nasional(f.cakupan)}
    pr = nasional.get("pekerja_rentan")
    if pr:
        kalimat = f"Secara nasional {format_angka(pr['terlindungi'])} pekerja rentan terlindungi"
        if pr["persen_terlindungi"] is not None:
            kalimat += f" ({format_persen(pr['persen_terlindungi'])} dari sasaran {format_angka(pr['sasaran'])})"
        if pr["perubahan_terlindungi_bulan_lalu"] is not None:
            kalimat += f", {_berubah(pr['perubahan_terlindungi_bulan_lalu'])} dari bulan lalu"
        temuan.append(kalimat + ".")
    temuan += temuan_peringkat([r for r in f.cakupan if r["tingkat"] == "provinsi"], "perubahan_persen_bulan_lalu",
                               "dari bulan lalu")
    lengkap = next((r for r in f.kelengkapan if r["kode_wilayah"] == "00"), None)
    if lengkap:
        temuan.append(f"{format_angka(lengkap['laporan_diterima'])} dari {format_angka(lengkap['laporan_diharapkan'])} "
                      f"pemerintah daerah telah melapor ({format_persen(lengkap['persen_diterima'])}); "
                      f"{format_angka(lengkap['laporan_tepat_waktu'])} tepat waktu.")
    if f.belum_pernah:
        contoh = ", ".join(r["nama_wilayah"] for r in f.belum_pernah[:5])
        sisa = len(f.belum_pernah) - 5
        temuan.append(f"{format_angka(len(f.belum_pernah))} pemerintah daerah belum pernah melapor sama sekali, "
                      f"antara lain {contoh}" + (f" dan {format_angka(sisa)} lainnya" if sisa > 0 else "") + ".")
    lewat = [r for r in f.rekonsiliasi if r["melewati_toleransi"]]
    if lewat:
        temuan.append(f"{format_angka(len(lewat))} angka terlindungi kab/kota berselisih dengan data BPJS "
                      "Ketenagakerjaan melewati toleransi (lihat bagian Rekonsiliasi).")
    if f.penolakan:
        temuan.append(f"{format_angka(len(f.penolakan))} berkas ditolak dan menunggu perbaikan dari pelapor.")
    return temuan


def temuan_peringkat(provinsi: list[dict], perubahan: str, sejak: str) -> list[str]:
    """Best and worst province by pekerja-rentan coverage, and the biggest rise (`perubahan`, in points)."""
    ranked = sorted((r for r in provinsi if r["segmen"] == "pekerja_rentan" and r["peringkat"] is not None),
                    key=lambda r: (r["peringkat"], r["kode_wilayah"]))
    if not ranked:
        return []
    best, worst = ranked[0], ranked[-1]
    kalimat = f"Cakupan pekerja rentan tertinggi: {best['nama_wilayah']} ({format_persen(best['persen_terlindungi'])})"
    if worst is not best:
        kalimat += f"; terendah: {worst['nama_wilayah']} ({format_persen(worst['persen_terlindungi'])})"
    temuan = [kalimat + f", dari {best['jumlah_diperingkat']} provinsi yang cakupannya dapat dihitung."]
    naik = [r for r in ranked if (r[perubahan] or 0) > 0]
    if naik:
        top = max(naik, key=lambda r: (r[perubahan], r["kode_wilayah"]))
        temuan.append(f"Kenaikan cakupan pekerja rentan terbesar {sejak}: {top['nama_wilayah']} "
                      f"({format_poin(top[perubahan])}).")
    return temuan


def _berubah(n: int) -> str:
    if n > 0:
        return f"bertambah {format_angka(n)}"
    if n < 0:
        return f"berkurang {format_angka(-n)}"
    return "tidak berubah"
