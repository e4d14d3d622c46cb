select
    submission_id,
    regulasi,
    tanggal_regulasi,
    anggaran_rp,
    ptsp_mensyaratkan = 'Ya' as ptsp_mensyaratkan,
    lower(bumd_terdaftar) as bumd_terdaftar
from {{ source('inbox', 'kepatuhan') }}
