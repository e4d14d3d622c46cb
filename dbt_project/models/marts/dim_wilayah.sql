-- Every territory a figure can be about: the nation ('00'), 38 provinces, 514 kab/kota.
select
    '00' as kode_wilayah,
    'Indonesia' as nama_wilayah,
    'nasional' as tingkat,
    cast(null as text) as kode_provinsi

union all

select
    kode_provinsi,
    nama_provinsi,
    'provinsi',
    kode_provinsi
from {{ ref('stg_wilayah__provinsi') }}

union all

select
    kode_kabupaten_kota,
    nama_kabupaten_kota,
    jenis,
    kode_provinsi
from {{ ref('stg_wilayah__kabupaten_kota') }}
