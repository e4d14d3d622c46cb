select
    submission_id,
    baris,
    program,
    segmen,
    kasus,
    nilai_rp
from {{ source('inbox', 'klaim') }}
