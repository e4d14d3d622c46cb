-- The register lists of each month grouped for counting persons, in one sort of the rows by person: a person listed
-- once counts once wherever they are listed, so those persons collapse into a count per list, territory and
-- segment; a person listed more than once keeps their pseudonym, so each mart can count them once per territory
-- and per pair of pelapor. Nearly everyone is listed once: tens of millions of rows become a few thousand counts
-- and the persons listed twice.
--
-- Incremental by month, and within a month by person. A month is grouped again whole when it is new, when BPJS's
-- newest extract of it is not the one it was compared with, or when a list it was grouped from is gone from the
-- inbox. A month whose lists changed otherwise (a list arrived, was revised or replaced) is amended: only the
-- persons named by a list that left or arrived can count differently, so their rows as the month was grouped are
-- taken out (tanda -1) and their rows as it is tonight put in (tanda +1), beside the month's rows as they were;
-- a revised list costs its own persons, not the sort of the whole country. dbt's delete+insert replaces those
-- months whole; the other months' rows stay as they are. The post-hook removes the rows of lists no longer the
-- newest, for a month whose lists are all gone. The pre-hook gathers the lists' statistics first: the night loads
-- millions of rows just before, and the plans depend on them.
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

papua as (
    select
        kode_lama,
        kode_baru
    from {{ ref('stg_wilayah__papua_kode_lama') }}
),

{% if is_incremental() %}
-- What each month was grouped from, and what it would be grouped from tonight.
dasar as (
    select distinct
        periode,
        submission_id,
        pelapor,
        extract_id
    from {{ this }}
),

kini as (
    select
        s.periode,
        s.submission_id,
        s.pelapor
    from {{ ref('int_submissions__terkini') }} as s
    where exists (
            select from {{ ref('stg_inbox__peserta') }} as p
            where p.submission_id = s.submission_id and p.status = 'aktif'
        )
),

-- The lists that left a month (lama) and the lists that arrived (baru).
berganti as (
    select
        coalesce(k.periode, d.periode) as periode,
        d.submission_id as lama,
        k.submission_id as baru
    from dasar as d
    full outer join kini as k on d.periode = k.periode and d.submission_id = k.submission_id
    where d.submission_id is null or k.submission_id is null
),

-- The months grouped again whole: new, compared with an older extract, or a list of theirs gone from the inbox.
dikelompokkan_ulang as (
    select kini.periode from kini
    where kini.periode not in (select dasar.periode from dasar)
    union
    select dasar.periode from dasar
    left join ekstrak_terbaru as x on dasar.periode = x.periode
    where dasar.extract_id is distinct from x.extract_id
    union
    select berganti.periode from berganti
    where berganti.lama is not null and not exists (
            select from {{ ref('stg_inbox__peserta') }} as p
            where p.submission_id = berganti.lama
        )
),

diubah as (
    select berganti.periode from berganti
    except
    select dikelompokkan_ulang.periode from dikelompokkan_ulang
),

-- An amended month's lists as it was grouped (-1) and as they are tonight (+1).
daftar_diubah as (
    select
        dasar.periode,
        dasar.submission_id,
        dasar.pelapor,
        -1 as tanda
    from dasar
    where dasar.periode in (select diubah.periode from diubah)
    union all
    select
        kini.periode,
        kini.submission_id,
        kini.pelapor,
        1 as tanda
    from kini
    where kini.periode in (select diubah.periode from diubah)
),

-- The persons whose rows can change: those named by a list that left or arrived.
tersentuh as (
    select distinct
        g.periode,
        p.nik_pseudonim
    from (
        select
            berganti.periode,
            -- A list that left or arrived: one of the two.
            coalesce(berganti.lama, berganti.baru) as submission_id
        from berganti
    ) as g
    inner join {{ ref('stg_inbox__peserta') }} as p on g.submission_id = p.submission_id
    where p.status = 'aktif' and g.periode in (select diubah.periode from diubah)
),
{% else %}
-- A full refresh groups every month.
dikelompokkan_ulang as (
    select distinct s.periode from {{ ref('int_submissions__terkini') }} as s
),
{% endif %}

-- A person listed `nonaktif` is not claimed as protected.
baris as (
    select
        p.periode,
        1 as tanda,
        p.submission_id,
        p.pelapor,
        coalesce(papua.kode_baru, p.kode_wilayah) as kode_wilayah,
        p.segmen,
        p.nik_pseudonim
    from {{ ref('int_peserta__terkini') }} as p
    left join papua on p.kode_wilayah = papua.kode_lama
    where p.status = 'aktif' and p.periode in (select dikelompokkan_ulang.periode from dikelompokkan_ulang)
    {%- if is_incremental() %}
    union all
    select
        v.periode,
        v.tanda,
        v.submission_id,
        v.pelapor,
        coalesce(papua.kode_baru, p.kode_wilayah) as kode_wilayah,
        p.segmen,
        p.nik_pseudonim
    from {{ ref('stg_inbox__peserta') }} as p
    inner join daftar_diubah as v on p.submission_id = v.submission_id
    inner join tersentuh as t on v.periode = t.periode and p.nik_pseudonim = t.nik_pseudonim
    left join papua on p.kode_wilayah = papua.kode_lama
    where p.status = 'aktif'
    {%- endif %}
),

daftar as (
    select
        periode,
        tanda,
        submission_id,
        pelapor,
        kode_wilayah,
        segmen,
        nik_pseudonim,
        count(*) over orang as kali,
        min(pelapor) over orang <> max(pelapor) over orang as ganda
    from baris
    window orang as (partition by periode, tanda, nik_pseudonim)
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
        case when e.periode is not null then b.nik_pseudonim is null end as tidak_aktif,
        d.tanda as orang
    from daftar as d
    left join ekstrak_terbaru as e on d.periode = e.periode
    left join {{ ref('int_bpjs__peserta_terkini') }} as b
        on d.periode = b.periode and d.nik_pseudonim = b.nik_pseudonim
),

-- What each row counts: the months grouped again whole, and an amended month's rows as it was grouped with its
-- touched persons' part taken out and put in again as it is tonight.
sumbangan as (
    select * from ditandai
    {%- if is_incremental() %}
    union all
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
        orang
    from {{ this }}
    where periode in (select diubah.periode from diubah)
    {%- endif %}
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
    sum(orang)::bigint as orang
from sumbangan
group by periode, submission_id, pelapor, kode_wilayah, segmen, nik_pseudonim, ganda, extract_id, tidak_aktif
-- A touched person's part of an amended month cancels out where it did not change.
having sum(orang) <> 0
