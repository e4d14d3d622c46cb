-- BPJS Ketenagakerjaan may send a month's figures again in a later extract: per kab/kota,
-- segment and month the row of the newest extract counts, under today's region code.
with bpjs as (
    select
        {{ kode_kini('kode_wilayah') }} as kode_wilayah,
        periode,
        segmen,
        peserta_aktif,
        peserta_baru,
        iuran_diterima_rp,
        extract_id,
        baris,
        received_at
    from {{ ref('stg_bpjs__kepesertaan') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by kode_wilayah, periode, segmen
            order by received_at desc, extract_id desc
        ) as urutan
    from bpjs
)

select
    kode_wilayah,
    {{ kode_provinsi('kode_wilayah') }} as kode_provinsi,
    periode,
    segmen,
    peserta_aktif,
    peserta_baru,
    iuran_diterima_rp,
    extract_id,
    baris
from ranked
where urutan = 1
