select
    submission_id,
    baris,
    kode_wilayah,
    segmen,
    sasaran,
    terlindungi,
    iuran_rp,
    sumber_dana
from {{ source('inbox', 'kepesertaan') }}
