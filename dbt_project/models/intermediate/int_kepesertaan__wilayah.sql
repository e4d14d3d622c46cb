-- One row per territory × segment × month, in today's region codes. A province may report its
-- kab/kota on their behalf, but a kab/kota's own figures win over its province's for the same
-- territory, segment and month. Papua's pre-2022 codes are mapped so time series stay comparable.
with kepesertaan as (
    select
        coalesce(papua.kode_baru, k.kode_wilayah) as kode_wilayah,
        s.periode,
        k.segmen,
        k.sasaran,
        k.terlindungi,
        s.pelapor,
        s.submission_id,
        k.baris,
        case when s.pelapor = k.kode_wilayah then 1 else 2 end as prioritas
    from {{ ref('stg_inbox__kepesertaan') }} as k
    inner join {{ ref('int_submissions__terkini') }} as s using (submission_id)
    left join {{ ref('stg_wilayah__papua_kode_lama') }} as papua on k.kode_wilayah = papua.kode_lama
),

chosen as (
    select
        *,
        row_number() over (
            partition by kode_wilayah, periode, segmen
            order by prioritas, submission_id desc, baris
        ) as urutan
    from kepesertaan
)

select
    c.kode_wilayah,
    split_part(c.kode_wilayah, '.', 1) as kode_provinsi,
    c.periode,
    c.segmen,
    c.sasaran,
    c.terlindungi,
    c.pelapor,
    c.submission_id,
    c.baris
from chosen as c
where c.urutan = 1
