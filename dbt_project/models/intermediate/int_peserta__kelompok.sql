-- The register lists of each month grouped for counting persons, in one sort of the rows by person: a person listed
-- once counts once wherever they are listed, so those persons collapse into a count per list, territory and
-- segment; a person listed more than once keeps their pseudonym, so each mart can count them once per territory
-- and per pair of pelapor. Nearly everyone is listed once: tens of millions of rows become a few thousand counts
-- and the persons listed twice.
--
-- Incremental by month: a month is grouped again only when its newest lists or its newest BPJS extract are not
-- the ones it was grouped from (a list arrived, was revised or replaced, an extract arrived); the other months'
-- rows stay as they are. dbt's delete+insert replaces a grouped month whole; the post-hook removes the rows of
-- lists no longer the newest, for a month whose lists are all gone. The pre-hook gathers the lists' statistics
-- first: the night loads millions of rows just before, and the plan of the one sort depends on them.
-- depends_on: {{ ref('int_submissions__terkini') }} {{ ref('stg_inbox__peserta') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='periode',
    on_schema_change='fail',
    pre_hook="analyze {{ source('inbox', 'peserta') }}",
    post_hook="{{ delete_superseded_revisions() }}",
) }}

with ekstrak_terbaru as (
    select distinct
        periode,
        extract_id
    from {{ ref('int_bpjs__peserta_terkini') }}
),

{% if is_incremental() %}
-- What each month was grouped from, and what it would be grouped from tonight.
dasar as (
    select distinct
        periode,
        submission_id,
        extract_id
    from {{ this }}
),

kini as (
    select
        s.periode,
        s.submission_id,
        x.extract_id
    from {{ ref('int_submissions__terkini') }} as s
    left join ekstrak_terbaru as x on s.periode = x.periode
    where exists (
        select from {{ ref('stg_inbox__peserta') }} as p
        where p.submission_id = s.submission_id and p.status = 'aktif'
    )
),

berubah as (
    select distinct coalesce(k.periode, d.periode) as periode
    from dasar as d
    full outer join kini as k on d.periode = k.periode and d.submission_id = k.submission_id
    where d.submission_id is null or k.submission_id is null or d.extract_id is distinct from k.extract_id
),
{% endif %}

daftar as (
    select
        p.periode,
        p.submission_id,
        p.pelapor,
        coalesce(papua.kode_baru, p.kode_wilayah) as kode_wilayah,
        p.segmen,
        p.nik_pseudonim,
        count(*) over orang as kali,
        min(p.pelapor) over orang <> max(p.pelapor) over orang as ganda
    from {{ ref('int_peserta__terkini') }} as p
    left join {{ ref('stg_wilayah__papua_kode_lama') }} as papua on p.kode_wilayah = papua.kode_lama
    -- A person listed `nonaktif` is not claimed as protected.
    where p.status = 'aktif'
    {%- if is_incremental() %}
        and p.periode in (select berubah.periode from berubah)
    {%- endif %}
    window orang as (partition by p.periode, p.nik_pseudonim)
),

ditandai as (
    select
        d.periode,
        d.submission_id,
        d.pelapor,
        d.kode_wilayah,
        d.segmen,
        case when d.kali > 1 then d.nik_pseudonim end as nik_pseudonim,
        d.ganda,
        e.extract_id,
        -- Only a month BPJS sent an extract for can tell; otherwise unknown, not "active".
        case when e.periode is not null then b.nik_pseudonim is null end as tidak_aktif
    from daftar as d
    left join ekstrak_terbaru as e on d.periode = e.periode
    left join {{ ref('int_bpjs__peserta_terkini') }} as b
        on d.periode = b.periode and d.nik_pseudonim = b.nik_pseudonim
)

select
    periode,
    submission_id,
    pelapor,
    kode_wilayah,
    segmen,
    nik_pseudonim,
    ganda,
    extract_id,
    tidak_aktif,
    count(*) as orang
from ditandai
group by periode, submission_id, pelapor, kode_wilayah, segmen, nik_pseudonim, ganda, extract_id, tidak_aktif
