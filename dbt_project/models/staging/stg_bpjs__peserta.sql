select
    p.extract_id,
    p.baris,
    p.periode,
    p.nik_pseudonim,
    e.received_at
from {{ source('bpjs', 'bpjs_peserta') }} as p
inner join {{ source('bpjs', 'bpjs_extract') }} as e using (extract_id)
