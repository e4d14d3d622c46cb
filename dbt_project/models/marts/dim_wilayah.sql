-- Every territory a figure can be about: the nation ('00'), 38 provinces, 514 kab/kota.
with provinsi as (
    select * from {{ ref('stg_wilayah__provinsi') }}
)

select
    '00' as kode_wilayah,
    'Indonesia' as nama_wilayah,
    'nasional' as tingkat,
    cast(null as text) as jenis,
    cast(null as text) as kode_provinsi,
    cast(null as text) as nama_provinsi

union all

select
    kode_provinsi as kode_wilayah,
    nama_provinsi as nama_wilayah,
    'provinsi' as tingkat,
    null as jenis,
    kode_provinsi,
    nama_provinsi
from provinsi

union all

select
    k.kode_kabupaten_kota as kode_wilayah,
    k.nama_kabupaten_kota as nama_wilayah,
    k.jenis as tingkat,
    k.jenis,
    k.kode_provinsi,
    p.nama_provinsi
from {{ ref('stg_wilayah__kabupaten_kota') }} as k
inner join provinsi as p using (kode_provinsi)
