select
    k.extract_id,
    k.baris,
    k.kode_wilayah,
    k.periode,
    k.segmen,
    k.peserta_aktif,
    k.peserta_baru,
    k.iuran_diterima_rp,
    e.file_name,
    e.received_at
from {{ source('bpjs', 'bpjs_kepesertaan') }} as k
inner join {{ source('bpjs', 'bpjs_extract') }} as e using (extract_id)
