-- Coverage per territory × segment × semester, for the report to the President. Coverage is a
-- stock: a semester's figure is that of its last month in dim_periode, and the change is from the
-- month before the semester started. Every figure is read from fct_cakupan_wilayah.
with cakupan as (
    select * from {{ ref('fct_cakupan_wilayah') }}
),

semester as (
    select * from {{ ref('dim_semester') }}
),

-- A territory and segment with a figure in any month of the semester has a row, also when its
-- last month has none (then the semester's figure is unknown, never carried forward).
kunci as (
    select distinct
        c.kode_wilayah,
        c.nama_wilayah,
        c.tingkat,
        c.kode_provinsi,
        p.tahun,
        p.semester,
        c.segmen
    from cakupan as c
    inner join {{ ref('dim_periode') }} as p using (periode)
)

select
    k.kode_wilayah,
    k.nama_wilayah,
    k.tingkat,
    k.kode_provinsi,
    k.tahun,
    k.semester,
    k.segmen,
    s.periode_awal,
    s.periode_akhir,
    s.bulan_tercakup,
    akhir.sasaran,
    akhir.terlindungi,
    akhir.persen_terlindungi,
    -- The basis the last month's figure stands on (see fct_cakupan_wilayah), and whether the month
    -- before the semester was complete too: only then is the change comparable.
    akhir.pemerintah_diharapkan,
    akhir.pemerintah_dihitung,
    akhir.persen_sasaran_terlapor,
    akhir.basis_lengkap,
    awal.basis_lengkap as basis_lengkap_awal,
    awal.terlindungi as terlindungi_awal,
    awal.persen_terlindungi as persen_terlindungi_awal,
    akhir.terlindungi - awal.terlindungi as perubahan_terlindungi_semester,
    -- Percentage points between the published (rounded) percentages, as fct_cakupan_wilayah does.
    akhir.persen_terlindungi - awal.persen_terlindungi as perubahan_persen_semester,
    akhir.peringkat,
    akhir.jumlah_diperingkat
from kunci as k
inner join semester as s using (tahun, semester)
left join cakupan as akhir
    on k.kode_wilayah = akhir.kode_wilayah
    and k.segmen = akhir.segmen
    and s.periode_akhir = akhir.periode
left join cakupan as awal
    on k.kode_wilayah = awal.kode_wilayah
    and k.segmen = awal.segmen
    and s.periode_sebelum = awal.periode
