{{ config(materialized='table') }}

-- The register lists of the month grouped for counting persons, in one sort of the rows by person: a person
-- listed once counts once wherever they are listed, so those persons collapse into a count per pelapor, territory
-- and segment; a person listed more than once keeps their pseudonym, so each mart can count them once per
-- territory and per pair of pelapor. Nearly everyone is listed once: tens of millions of rows become a few
-- thousand counts and the persons listed twice.
with daftar as (
    select
        p.periode,
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
    window orang as (partition by p.periode, p.nik_pseudonim)
),

ada_ekstrak as (
    select distinct periode from {{ ref('int_bpjs__peserta_terkini') }}
),

ditandai as (
    select
        d.periode,
        d.pelapor,
        d.kode_wilayah,
        d.segmen,
        case when d.kali > 1 then d.nik_pseudonim end as nik_pseudonim,
        d.ganda,
        -- Only a month BPJS sent an extract for can tell; otherwise unknown, not "active".
        case when e.periode is not null then b.nik_pseudonim is null end as tidak_aktif
    from daftar as d
    left join ada_ekstrak as e on d.periode = e.periode
    left join {{ ref('int_bpjs__peserta_terkini') }} as b
        on d.periode = b.periode and d.nik_pseudonim = b.nik_pseudonim
)

select
    periode,
    pelapor,
    kode_wilayah,
    segmen,
    nik_pseudonim,
    ganda,
    tidak_aktif,
    count(*) as orang
from ditandai
group by periode, pelapor, kode_wilayah, segmen, nik_pseudonim, ganda, tidak_aktif
