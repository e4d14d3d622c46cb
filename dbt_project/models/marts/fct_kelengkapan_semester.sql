-- Reporting completeness and timeliness per province and for the nation ('00') per semester: the
-- monthly counts of fct_kelengkapan_laporan summed over the semester's months in dim_periode.
with bulanan as (
    select
        k.*,
        p.tahun,
        p.semester
    from {{ ref('fct_kelengkapan_laporan') }} as k
    inner join {{ ref('dim_periode') }} as p using (periode)
),

semester as (
    select
        kode_wilayah,
        tahun,
        semester,
        sum(laporan_diharapkan)::bigint as laporan_diharapkan,
        sum(laporan_diterima)::bigint as laporan_diterima,
        sum(laporan_tepat_waktu)::bigint as laporan_tepat_waktu
    from bulanan
    group by kode_wilayah, tahun, semester
)

select
    k.kode_wilayah,
    d.nama_wilayah,
    k.tahun,
    k.semester,
    s.periode_awal,
    s.periode_akhir,
    s.bulan_tercakup,
    k.laporan_diharapkan,
    k.laporan_diterima,
    k.laporan_tepat_waktu,
    {{ persen('k.laporan_diterima', 'k.laporan_diharapkan') }} as persen_diterima,
    {{ persen('k.laporan_tepat_waktu', 'k.laporan_diharapkan') }} as persen_tepat_waktu
from semester as k
inner join {{ ref('dim_wilayah') }} as d using (kode_wilayah)
inner join {{ ref('dim_semester') }} as s using (tahun, semester)
