select
    penolakan_id,
    sumber,
    file_name,
    -- Unreadable files only have the file name to go by, where a code may be written `8171`.
    case when pelapor ~ '^[0-9]{4}$' then left(pelapor, 2) || '.' || right(pelapor, 2) else pelapor end as pelapor,
    periode,
    received_at,
    rejected_at,
    alasan
from {{ source('audit', 'penolakan') }}
