select
    code as kode_provinsi,
    name as nama_provinsi
from {{ ref('wilayah_provinsi') }}
