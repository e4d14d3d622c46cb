select
    submission_id,
    file_name,
    sha256,
    format,
    pelapor,
    periode,
    nama_instansi,
    tanggal_laporan,
    received_at,
    loaded_at
from {{ source('inbox', 'submission') }}
