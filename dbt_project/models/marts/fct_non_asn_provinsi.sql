-- Per province and month: how many of its kab/kota have non-ASN figures (their own report or the
-- province's on their behalf) and how many protect every non-ASN worker they must.
with non_asn as (
    select
        kode_provinsi,
        periode,
        sasaran,
        terlindungi
    from {{ ref('int_kepesertaan__wilayah') }}
    where segmen = 'non_asn'
        and kode_wilayah <> kode_provinsi
),

kabupaten_kota as (
    select
        kode_provinsi,
        count(*) as jumlah_kabupaten_kota
    from {{ ref('dim_wilayah') }}
    where tingkat in ('kabupaten', 'kota')
    group by kode_provinsi
),

per_provinsi as (
    select
        kode_provinsi,
        periode,
        count(*) as kabupaten_kota_melapor,
        -- All protected means a known, non-zero target fully met; an unknown target proves nothing.
        count(*) filter (where sasaran > 0 and terlindungi = sasaran) as kabupaten_kota_terlindungi_semua
    from non_asn
    group by kode_provinsi, periode
)

select
    d.kode_wilayah,
    d.nama_wilayah,
    p.periode,
    k.jumlah_kabupaten_kota,
    p.kabupaten_kota_melapor,
    p.kabupaten_kota_terlindungi_semua,
    {{ persen('p.kabupaten_kota_terlindungi_semua', 'p.kabupaten_kota_melapor') }} as persen_terlindungi_semua
from per_provinsi as p
inner join {{ ref('dim_wilayah') }} as d on p.kode_provinsi = d.kode_wilayah
inner join kabupaten_kota as k on p.kode_provinsi = k.kode_provinsi
