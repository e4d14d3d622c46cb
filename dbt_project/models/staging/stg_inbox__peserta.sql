select
    submission_id,
    baris,
    nik_pseudonim,
    segmen,
    kode_wilayah,
    kpj_pseudonim,
    status
from {{ source('inbox', 'peserta') }}
