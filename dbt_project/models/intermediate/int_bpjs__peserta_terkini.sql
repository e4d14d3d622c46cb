-- BPJS Ketenagakerjaan's active participants per month from the newest extract of that month. A night appends
-- only the extracts not in the table yet; the post-hook then removes the rows of a month's older extracts and
-- gathers the table's statistics at once (int_peserta__kelompok's plan over millions of rows depends on them;
-- autovacuum would gather them later).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    post_hook=["{{ delete_older_extracts() }}", "analyze {{ this }}"],
    indexes=[
        {'columns': ['periode', 'extract_id']},
        {'columns': ['periode', 'nik_pseudonim']},
    ],
) }}

select
    bpjs.extract_id,
    bpjs.baris,
    bpjs.periode,
    bpjs.nik_pseudonim,
    bpjs.received_at
from {{ ref('stg_bpjs__peserta') }} as bpjs
{%- if is_incremental() %}
where not exists (
        select from {{ this }} as loaded
        where loaded.extract_id = bpjs.extract_id
    )
{%- endif %}
