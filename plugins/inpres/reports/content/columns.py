"""The catalogue of report columns: every column a report table has, declared once.

A column's name is its CSV header and its key in the data dictionary, so one name is one column in every
table and every file. A table takes its columns from here, `column("nama_wilayah", label="Provinsi")`,
overriding only what its context changes: a label, or a description that names the table's month or scope.
The columns whose description names the basis threshold (a dbt var) or the table's scope are made by a
function when a table is built (`basis_column`, `coverage_columns`).
"""

from __future__ import annotations

from dataclasses import replace

from inpres.catalogue import SEGMEN_LABEL, SEGMEN_SHORT
from inpres.reports.content.wording import POIN_KEPATUHAN, in_sentence, segmen_in_sentence, threshold_text
from inpres.reports.tables import Column

_EMPTY_UNLESS_COMPARABLE = "kosong bila basis salah satu bulan belum lengkap"


def _per_segmen() -> tuple[Column, ...]:
    """Per segment: protected (a national trend's columns) and coverage (a kab/kota's segments)."""
    return tuple(
        k
        for s in SEGMEN_LABEL
        for k in (
            Column(
                f"terlindungi_{s}",
                SEGMEN_SHORT[s],
                "angka",
                f"{SEGMEN_LABEL[s]} terlindungi, jumlah nasional yang dilaporkan.",
                group="Terlindungi",
            ),
            Column(
                f"persen_{s}",
                SEGMEN_SHORT[s],
                "persen",
                f"Cakupan {segmen_in_sentence(s)}: 100 × terlindungi / sasaran.",
                group="Cakupan",
            ),
        )
    )


def _status_poin(poin: str, label: str) -> Column:
    """A point of the Inpres scorecard; the coverage points are grouped under 'Cakupan'."""
    if poin.startswith("cakupan_"):
        s = poin.removeprefix("cakupan_")
        return Column(
            f"status_{poin}",
            SEGMEN_SHORT[s],
            "status",
            f"Status poin cakupan {segmen_in_sentence(s)}.",
            group="Cakupan",
        )
    return Column(f"status_{poin}", label, "status", f"Status poin {in_sentence(label)}.")


ALL = (
    # --- who and when
    Column("kode_wilayah", "Kode", "kode", "Kode wilayah Kemendagri (bertitik); 00 = Indonesia."),
    Column("nama_wilayah", "Wilayah", "teks", "Nama wilayah."),
    Column("kode_provinsi", "Provinsi", "kode", "Kode provinsi."),
    Column("tingkat", "Tingkat", "teks", "Provinsi, kabupaten atau kota."),
    Column("segmen", "Segmen", "teks", "Segmen pekerja."),
    Column("periode", "Bulan", "bulan", "Bulan laporan."),
    Column("periode_akhir", "Posisi", "bulan", "Bulan terakhir semester yang ada datanya."),
    # --- coverage
    Column(
        "terlindungi_bersasaran",
        "Terlindungi bersasaran",
        "angka",
        "Bagian terlindungi dari pemerintah daerah yang sasarannya diketahui: pembilang cakupan.",
    ),
    Column(
        "sasaran_acuan",
        "Sasaran acuan",
        "angka",
        "Jumlah, atas setiap pemerintah daerah yang diharapkan, sasarannya bulan ini atau, bila kosong, "
        "sasaran terakhir yang pernah dilaporkannya.",
    ),
    Column(
        "pemerintah_bersasaran",
        "bersasaran",
        "angka",
        "Dari pemerintah daerah yang dihitung, yang sasarannya untuk segmen ini diketahui.",
        group="Pemerintah daerah",
    ),
    Column(
        "peringkat",
        "Peringkat",
        "angka",
        "Provinsi di antara provinsi; kab/kota di antara kab/kota provinsinya; hanya yang basisnya lengkap.",
    ),
    Column(
        "peringkat_cakupan",
        "Peringkat",
        "angka",
        "Peringkat cakupan pekerja rentan di antara provinsi yang basisnya lengkap (1 = tertinggi); "
        "kosong bila basis belum lengkap.",
    ),
    Column(
        "peringkat_pekerja_rentan",
        "Peringkat",
        "angka",
        "Peringkat cakupan pekerja rentan di antara kab/kota provinsinya.",
    ),
    Column("sasaran_pekerja_rentan", "Sasaran p. rentan", "angka", "Sasaran pekerja rentan yang dilaporkan."),
    *_per_segmen(),
    # --- the basis of a province-wide or national figure (see basis_columns)
    Column(
        "pemda_dihitung",
        "Pemda dihitung/ diharapkan",
        "rasio",
        "Pemerintah daerah yang angkanya masuk / yang seharusnya masuk.",
        in_files=False,
    ),
    Column(
        "pemerintah_dihitung",
        "dihitung",
        "angka",
        "Pemerintah daerah yang angkanya untuk bulan ini masuk ke jumlah ini: yang melapor sendiri atau "
        "dilaporkan provinsinya atas namanya, dalam segmen apa pun.",
        in_pdf=False,
        group="Pemerintah daerah",
    ),
    Column(
        "pemerintah_diharapkan",
        "diharapkan",
        "angka",
        "Pemerintah daerah yang seharusnya masuk: pemerintah provinsi dan setiap kab/kotanya untuk provinsi, "
        "552 untuk nasional, 1 untuk kab/kota.",
        in_pdf=False,
        group="Pemerintah daerah",
    ),
    Column(
        "persen_sasaran_terlapor",
        "Sasaran terlapor",
        "persen",
        "100 × sasaran / sasaran acuan. Sasaran acuan: jumlah, atas setiap pemerintah daerah yang "
        "diharapkan, sasarannya bulan ini atau, bila kosong, sasaran terakhir yang pernah dilaporkannya.",
    ),
    # --- changes
    Column(
        "perubahan_terlindungi_bulan_lalu",
        "Δ terlindungi bulan lalu",
        "selisih",
        "Perubahan terlindungi dari bulan sebelumnya, dihitung atas pemerintah daerah yang angkanya ada pada "
        f"kedua bulan; {_EMPTY_UNLESS_COMPARABLE}.",
    ),
    Column(
        "perubahan_persen_bulan_lalu",
        "Δ cakupan bulan lalu",
        "poin",
        "Perubahan cakupan dari bulan sebelumnya, poin persen, atas pemerintah daerah yang sasaran dan "
        f"angkanya ada pada kedua bulan; {_EMPTY_UNLESS_COMPARABLE}.",
    ),
    Column(
        "perubahan_terlindungi_tahun_lalu",
        "Δ terlindungi tahun lalu",
        "selisih",
        "Perubahan terlindungi dari bulan yang sama tahun lalu, atas pemerintah daerah yang "
        f"angkanya ada pada kedua bulan; {_EMPTY_UNLESS_COMPARABLE}.",
    ),
    Column(
        "perubahan_persen_tahun_lalu",
        "Δ cakupan tahun lalu",
        "poin",
        "Perubahan cakupan dari bulan yang sama tahun lalu, poin persen, atas pemerintah daerah "
        f"yang sasaran dan angkanya ada pada kedua bulan; {_EMPTY_UNLESS_COMPARABLE}.",
    ),
    Column(
        "perubahan_terlindungi_semester",
        "Δ terlindungi semester",
        "selisih",
        f"Terlindungi dikurangi terlindungi pada bulan sebelum semester; {_EMPTY_UNLESS_COMPARABLE}.",
    ),
    Column(
        "perubahan_persen_semester",
        "Δ cakupan semester",
        "poin",
        f"Perubahan cakupan sejak bulan sebelum semester, poin persen; {_EMPTY_UNLESS_COMPARABLE}.",
    ),
    # --- the province against the nation (the governor's PDF)
    Column("persen_provinsi", "Cakupan provinsi", "persen", "Cakupan seluruh provinsi."),
    Column("persen_nasional", "Cakupan nasional", "persen", "Cakupan nasional."),
    Column(
        "pemda_nasional",
        "Pemda nasional dihitung/ diharapkan",
        "rasio",
        "Pemerintah daerah yang angkanya masuk ke angka nasional / yang seharusnya masuk.",
        in_files=False,
    ),
    Column(
        "sasaran_terlapor_nasional",
        "Sasaran terlapor (nasional)",
        "persen",
        "Sasaran nasional yang dilaporkan, persen dari sasaran acuan.",
    ),
    Column("basis_nasional", "Angka nasional", "teks", "Lengkap atau belum lengkap."),
    # --- the Inpres scorecard
    *(_status_poin(poin, label) for poin, label in POIN_KEPATUHAN.items()),
    Column("poin_diperoleh", "Poin", "angka", "Poin diperoleh (2 per terpenuhi, 1 per sebagian)."),
    Column("poin_maksimal", "Maks.", "angka", "2 × jumlah poin yang statusnya diketahui."),
    Column("skor", "Skor", "persen", "100 × poin / poin maksimal."),
    Column("skor_kepatuhan", "Skor Inpres", "persen", "Skor kartu kepatuhan Inpres pemerintah provinsi (0–100)."),
    Column("peringkat_kepatuhan", "Peringkat skor", "angka", "Peringkat skor kepatuhan di antara provinsi."),
    # --- reports received
    Column(
        "status_laporan",
        "Laporan",
        "teks",
        "Tepat waktu, terlambat, atau belum melapor sendiri untuk bulan ini (angkanya dapat tetap ada "
        "bila provinsinya melaporkannya atas namanya).",
    ),
    Column(
        "laporan_diharapkan",
        "Diharapkan",
        "angka",
        "Laporan yang diharapkan (provinsi dan kab/kotanya; nasional: 552).",
    ),
    Column("laporan_diterima", "Diterima", "angka", "Laporan yang diterima (berkas ditolak tidak dihitung)."),
    Column(
        "laporan_tepat_waktu",
        "Tepat waktu",
        "angka",
        "Laporan yang versi pertamanya diterima paling lambat pada batas lapor.",
    ),
    Column("persen_diterima", "% diterima", "persen", "100 × diterima / diharapkan."),
    Column("persen_tepat_waktu", "% tepat waktu", "persen", "100 × tepat waktu / diharapkan."),
    Column("kiriman_ditolak", "Berkas ditolak", "angka", "Berkas yang pernah dikirim tetapi ditolak seluruhnya."),
    Column("ditolak_terakhir", "Ditolak terakhir", "tanggal", "Tanggal berkas terakhir yang ditolak."),
    # --- BPJS reconciliation
    Column("peserta_aktif", "Data BPJS", "angka", "Peserta aktif menurut ekstrak BPJS Ketenagakerjaan terbaru."),
    Column("selisih", "Selisih", "selisih", "Dilaporkan daerah − data BPJS."),
    Column("selisih_persen", "Selisih %", "persen", "100 × selisih / data BPJS."),
    # --- claims
    Column("program", "Program", "kode", "JKK (kecelakaan kerja), JKM (kematian), JHT (hari tua)."),
    Column("kasus", "Kasus", "angka", "Klaim dibayar."),
    Column("nilai_rp", "Nilai", "rupiah", "Nilai klaim dibayar, Rupiah."),
    Column("kasus_kumulatif_tahun", "Kasus", "angka", "Klaim dibayar sejak Januari."),
    Column("nilai_rp_kumulatif_tahun", "Nilai", "rupiah", "Nilai klaim dibayar sejak Januari, Rupiah."),
    # --- non-ASN
    Column("jumlah_kabupaten_kota", "Kab/kota", "angka", "Kab/kota di provinsi."),
    Column("kabupaten_kota_melapor", "Melapor non-ASN", "angka", "Kab/kota dengan angka non-ASN bulan ini."),
    Column(
        "kabupaten_kota_terlindungi_semua",
        "Terlindungi semua",
        "angka",
        "Kab/kota yang seluruh pegawai non-ASN-nya terlindungi.",
    ),
    Column("persen_terlindungi_semua", "% kab/kota", "persen", "100 × terlindungi semua / melapor."),
    # --- rejected files and quality warnings
    Column("file_name", "Berkas", "kode", "Nama berkas seperti dikirim."),
    # --- the register lists (daftar nama peserta)
    Column(
        "pelapor_berdaftar",
        "Daftar dari",
        "angka",
        "Pemerintah daerah yang daftar namanya memuat orang di baris ini.",
    ),
    Column(
        "terlindungi_diklaim",
        "Diklaim",
        "angka",
        "Terlindungi yang dilaporkan untuk wilayah dan segmen yang sama, hanya wilayah dan segmen yang ada daftar "
        "namanya.",
    ),
    Column(
        "orang_unik",
        "Orang unik",
        "angka",
        "Orang berstatus aktif dalam daftar nama, setiap orang dihitung satu kali siapa pun pelapornya.",
    ),
    Column(
        "orang_tercatat_ganda",
        "Dicatat ganda",
        "angka",
        "Dari orang unik, yang dicatat oleh lebih dari satu pemerintah daerah pada bulan yang sama.",
    ),
    Column(
        "orang_tidak_aktif_bpjs",
        "Tidak aktif di BPJS",
        "angka",
        "Dari orang unik, yang tidak aktif menurut data peserta BPJS Ketenagakerjaan bulan itu (klaim yang belum "
        "terverifikasi); kosong bila data itu belum diterima.",
    ),
    Column("pelapor_a", "Kode pelapor 1", "kode", "Kode pemerintah daerah pertama pasangan (provinsi lebih dulu)."),
    Column("nama_pelapor_a", "Pelapor 1", "teks", "Pemerintah daerah pertama pasangan."),
    Column("pelapor_b", "Kode pelapor 2", "kode", "Kode pemerintah daerah kedua pasangan."),
    Column("nama_pelapor_b", "Pelapor 2", "teks", "Pemerintah daerah kedua pasangan."),
    Column(
        "jenis_ganda",
        "Jenis",
        "teks",
        "Provinsi dan kab/kotanya sendiri, antar-kab/kota, atau lainnya.",
    ),
    Column("orang", "Orang", "angka", "Orang yang dicatat oleh kedua pemerintah daerah."),
    Column("pelapor", "Kode pelapor", "kode", "Kode pelapor bila terbaca."),
    Column("nama_pelapor", "Pelapor", "teks", "Nama pemerintah daerah pelapor bila kodenya terbaca."),
    Column("received_at", "Diterima", "tanggal", "Kapan berkas tiba."),
    Column(
        "rejected_at",
        "Ditolak",
        "tanggal",
        "Kapan berkas dinilai dan ditolak: malam (atau putaran penerimaan) tempat berkas itu masuk.",
    ),
    Column("alasan", "Alasan", "teks", "Semua alasan penolakan, dipisahkan titik koma."),
    Column("pemeriksaan", "Pemeriksaan", "teks", "Aturan mutu yang tidak terpenuhi."),
    Column("ditemukan", "Ditemukan", "teks", "Apa dan berapa yang melanggar, dan apa yang dihitung."),
    Column(
        "jumlah_bulan_ini",
        "Bulan ini",
        "angka",
        "Yang melanggar untuk bulan laporan, dihitung sama dengan bagian laporan yang disebut; kosong "
        "bila aturan itu tidak dipisah per bulan.",
    ),
    Column(
        "jumlah_diperiksa",
        "Semua yang diperiksa",
        "angka",
        "Yang melanggar di semua data yang diperiksa pemeriksaan mutu malam ini.",
    ),
    Column("contoh", "Contoh", "teks", "Beberapa contoh, dengan nama wilayah."),
)
CATALOGUE = {k.name: k for k in ALL}


def column(name: str, **changes) -> Column:
    """The catalogue's column, with what the table changes (`label`, `description`, `in_pdf`...)."""
    return replace(CATALOGUE[name], **changes)


def columns(*name: str) -> tuple[Column, ...]:
    return tuple(CATALOGUE[n] for n in name)


def coverage_columns(scope: str, *, kabupaten_kota: bool = False) -> tuple[Column, ...]:
    """Target, protected and coverage of a figure that is a sum over governments (and, in a table that
    also has kab/kota rows, a kab/kota's own figure); `scope` says over which ('di seluruh Indonesia')."""
    own = (
        (" (kab/kota: sasaran yang dilaporkannya)", " (kab/kota: terlindungi / sasaran)")
        if kabupaten_kota
        else ("", "")
    )
    return (
        Column(
            "sasaran",
            "Sasaran",
            "angka",
            f"Pekerja yang harus dilindungi{scope}: jumlah sasaran yang dilaporkan pemerintah daerah yang "
            f"masuk; yang sasarannya kosong tidak ikut dijumlahkan{own[0]}.",
        ),
        Column(
            "terlindungi",
            "Terlindungi",
            "angka",
            f"Peserta aktif BPJS Ketenagakerjaan pada akhir bulan{scope}: jumlah yang dilaporkan semua "
            "pemerintah daerah yang masuk, termasuk yang sasarannya kosong.",
        ),
        Column(
            "persen_terlindungi",
            "Cakupan",
            "persen",
            f"100 × terlindungi dari pemerintah daerah yang sasarannya diketahui / sasaran{own[1]}, dua "
            "desimal; kosong bila sasaran tidak diketahui atau nol.",
        ),
    )


def basis_column() -> Column:
    """Whether a figure's basis is complete, the threshold named."""
    threshold = threshold_text()
    return Column(
        "basis",
        "Basis",
        "teks",
        f"'lengkap' bila pemerintah daerah yang dihitung sekurang-kurangnya {threshold} dari yang "
        f"diharapkan dan sasaran terlapor sekurang-kurangnya {threshold} (tanpa pembulatan, dengan sasaran "
        "lebih dari nol); selain itu 'belum lengkap' "
        "(tidak diberi peringkat); 'belum ada laporan' bila belum ada angka sama sekali.",
    )


def basis_columns(*, sasaran: bool = True) -> tuple[Column, ...]:
    """The basis of a province-wide or national figure: the governments it includes of those it should
    (one printed column, two in the files) and, with `sasaran`, how much of the target, and the verdict."""
    basis = columns("pemda_dihitung", "pemerintah_dihitung", "pemerintah_diharapkan")
    return basis + (column("persen_sasaran_terlapor"), basis_column()) if sasaran else basis


def trend_basis_column(description: str) -> Column:
    """The basis of the nation's pekerja-rentan figure in a table by month."""
    return replace(basis_column(), label="Basis p. rentan", description=description)
