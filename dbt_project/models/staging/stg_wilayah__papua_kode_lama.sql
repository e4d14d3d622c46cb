select
    kode_lama,
    kode_baru,
    berlaku_sampai
from {{ ref('papua_kode_lama') }}
