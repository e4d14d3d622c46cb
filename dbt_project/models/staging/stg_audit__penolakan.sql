select
    penolakan_id,
    sumber,
    file_name,
    pelapor,
    periode,
    received_at,
    rejected_at,
    alasan
from {{ source('audit', 'penolakan') }}
