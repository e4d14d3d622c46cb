-- Reporting completeness and timeliness as DHIS2 shows them, per province and for the nation
-- ('00') per month: reports expected, received, received on time, and the two rates. Whether a
-- pelapor's report came and was on time is decided once, in fct_laporan_pelapor.
with kelengkapan as (
    -- A province expects itself and its kab/kota; the nation all 552.
    select
        kode_rollup as kode_wilayah,
        periode,
        count(*) as laporan_diharapkan,
        count(*) filter (where status_laporan <> 'belum_lapor') as laporan_diterima,
        count(*) filter (where status_laporan = 'tepat_waktu') as laporan_tepat_waktu
    from {{ ref('fct_laporan_pelapor') }}
    cross join {{ rollup_wilayah('kode_wilayah') }}
    group by kode_rollup, periode
)

select
    k.kode_wilayah,
    d.nama_wilayah,
    k.periode,
    p.batas_lapor,
    k.laporan_diharapkan,
    k.laporan_diterima,
    k.laporan_tepat_waktu,
    {{ persen('k.laporan_diterima', 'k.laporan_diharapkan') }} as persen_diterima,
    {{ persen('k.laporan_tepat_waktu', 'k.laporan_diharapkan') }} as persen_tepat_waktu
from kelengkapan as k
inner join {{ ref('dim_wilayah') }} as d using (kode_wilayah)
inner join {{ ref('dim_periode') }} as p using (periode)
