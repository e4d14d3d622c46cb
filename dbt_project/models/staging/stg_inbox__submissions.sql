select
    submission_id,
    file_name,
    sha256,
    pelapor,
    periode,
    received_at,
    loaded_at
from {{ source('inbox', 'submission') }}
