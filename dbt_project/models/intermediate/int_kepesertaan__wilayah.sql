-- Read by the coverage, non-ASN and reconciliation marts: built once as a table.
{{ config(materialized='table') }}

-- One row per territory × segment × month, in today's region codes. A province may report its
-- kab/kota on their behalf, but a kab/kota's own figures win over its province's for the same
-- territory, segment and month.
with kepesertaan as (
    select
        {{ kode_kini('kode_wilayah') }} as kode_wilayah,
        periode,
        segmen,
        sasaran,
        terlindungi,
        pelapor,
        submission_id,
        baris
    from {{ ref('int_kepesertaan__terkini') }}
),

chosen as (
    select
        *,
        row_number() over (
            partition by kode_wilayah, periode, segmen
            order by case when pelapor = kode_wilayah then 1 else 2 end asc, submission_id desc, baris asc
        ) as urutan
    from kepesertaan
)

select
    kode_wilayah,
    {{ kode_provinsi('kode_wilayah') }} as kode_provinsi,
    periode,
    segmen,
    sasaran,
    terlindungi,
    pelapor,
    submission_id,
    baris
from chosen
where urutan = 1
