-- Reporting completeness and timeliness as DHIS2 shows them, per province and for the nation
-- ('00') per month: reports expected, received, received on time, and the two rates.
with pertama as (
    -- Timeliness is decided by the first version; a later revision does not make a report late.
    select pelapor, periode, received_at
    from {{ ref('int_submissions__versi') }}
    where versi = 1
),

pelapor_bulanan as (
    select
        w.kode_provinsi,
        p.periode,
        f.pelapor is not null as diterima,
        -- The deadline is a day in Asia/Jakarta: a file at 23:59 WIB on that day is on time.
        coalesce((f.received_at at time zone 'Asia/Jakarta')::date <= p.batas_lapor, false) as tepat_waktu
    from {{ ref('dim_wilayah') }} as w
    cross join {{ ref('dim_periode') }} as p
    left join pertama as f on f.pelapor = w.kode_wilayah and f.periode = p.periode
    where w.tingkat <> 'nasional'
),

kelengkapan as (
    -- A province expects itself and its kab/kota; the nation (no province) all 552.
    select
        coalesce(kode_provinsi, '00') as kode_wilayah,
        periode,
        count(*) as laporan_diharapkan,
        count(*) filter (where diterima) as laporan_diterima,
        count(*) filter (where tepat_waktu) as laporan_tepat_waktu
    from pelapor_bulanan
    group by grouping sets ((kode_provinsi, periode), (periode))
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
