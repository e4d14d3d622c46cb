select
    code as kode_kabupaten_kota,
    province_code as kode_provinsi,
    name as nama_kabupaten_kota,
    -- Kemendagri numbers kota from 71 upwards, kabupaten below.
    case when split_part(code, '.', 2)::int >= 71 then 'kota' else 'kabupaten' end as jenis
from {{ ref('wilayah_kabupaten_kota') }}
