-- Persons behind the coverage figures, from the register lists, per territory × segment × month: each kab/kota,
-- each province province-wide and the nation ('00'), per segment and over all segments ('semua'). Each person is
-- counted once per row however many lists name them, so the nation counts everyone once; beside it the
-- terlindungi the same territories claim, how many persons more than one pelapor lists, and how many BPJS's
-- extract of the month does not show as active.
--
-- Built to stay linear in the rows: one row per person × territory × segment first, then one grouping per person
-- for the whole month, then each level a plain group by (rollup_wilayah); no self-join of the lists.
with daftar as (
    select
        p.periode,
        p.pelapor,
        coalesce(papua.kode_baru, p.kode_wilayah) as kode_wilayah,
        p.segmen,
        p.nik_pseudonim
    from {{ ref('int_peserta__terkini') }} as p
    left join {{ ref('stg_wilayah__papua_kode_lama') }} as papua on p.kode_wilayah = papua.kode_lama
    -- A person listed `nonaktif` is not claimed as protected.
    where p.status = 'aktif'
),

-- Per person and month, over every list: named by more than one pelapor, and active in BPJS's newest extract.
orang as (
    select
        d.periode,
        d.nik_pseudonim,
        count(distinct d.pelapor) > 1 as ganda
    from daftar as d
    group by d.periode, d.nik_pseudonim
),

ada_ekstrak as (
    select distinct periode from {{ ref('int_bpjs__peserta_terkini') }}
),

-- A person is in a territory's row once per territory and segment they are listed under.
orang_wilayah as (
    select distinct
        periode,
        nik_pseudonim,
        kode_wilayah,
        segmen
    from daftar
),

per_tingkat as (
    select
        rollup_wilayah.kode_rollup as kode_wilayah,
        segmen_rollup.segmen,
        ow.periode,
        ow.nik_pseudonim
    from orang_wilayah as ow
    cross join {{ rollup_wilayah('ow.kode_wilayah', kabupaten_kota=true) }}
    cross join unnest(array[ow.segmen, 'semua']) as segmen_rollup (segmen)
    group by rollup_wilayah.kode_rollup, segmen_rollup.segmen, ow.periode, ow.nik_pseudonim
),

register as (
    select
        t.kode_wilayah,
        t.periode,
        t.segmen,
        count(*) as orang_unik,
        count(*) filter (where o.ganda) as orang_tercatat_ganda,
        -- Only a month BPJS sent an extract for can tell; otherwise unknown, not zero.
        case
            when bool_or(e.periode is not null)
                then count(*) filter (where b.nik_pseudonim is null)
        end as orang_tidak_aktif_bpjs
    from per_tingkat as t
    inner join orang as o using (periode, nik_pseudonim)
    left join ada_ekstrak as e using (periode)
    left join {{ ref('int_bpjs__peserta_terkini') }} as b using (periode, nik_pseudonim)
    group by t.kode_wilayah, t.periode, t.segmen
),

daftar_pelapor as (
    select distinct
        periode,
        pelapor,
        kode_wilayah,
        segmen
    from daftar
),

tercakup as (
    select distinct
        periode,
        kode_wilayah,
        segmen
    from orang_wilayah
),

-- The governments whose lists a row counts.
pelapor as (
    select
        rollup_wilayah.kode_rollup as kode_wilayah,
        segmen_rollup.segmen,
        l.periode,
        count(distinct l.pelapor) as pelapor_berdaftar
    from daftar_pelapor as l
    cross join {{ rollup_wilayah('l.kode_wilayah', kabupaten_kota=true) }}
    cross join unnest(array[l.segmen, 'semua']) as segmen_rollup (segmen)
    group by rollup_wilayah.kode_rollup, segmen_rollup.segmen, l.periode
),

-- What the same territories claim (terlindungi after precedence, as fct_cakupan_wilayah sums it): only the
-- territories and segments the lists cover, so the two figures are compared like with like.
klaim as (
    select
        rollup_wilayah.kode_rollup as kode_wilayah,
        segmen_rollup.segmen,
        k.periode,
        sum(k.terlindungi) as terlindungi_diklaim
    from {{ ref('int_kepesertaan__wilayah') }} as k
    inner join tercakup using (periode, kode_wilayah, segmen)
    cross join {{ rollup_wilayah('k.kode_wilayah', kabupaten_kota=true) }}
    cross join unnest(array[k.segmen, 'semua']) as segmen_rollup (segmen)
    group by rollup_wilayah.kode_rollup, segmen_rollup.segmen, k.periode
)

select
    r.kode_wilayah,
    d.nama_wilayah,
    d.tingkat,
    d.kode_provinsi,
    r.periode,
    r.segmen,
    p.pelapor_berdaftar::int as pelapor_berdaftar,
    r.orang_unik::bigint as orang_unik,
    k.terlindungi_diklaim::bigint as terlindungi_diklaim,
    (k.terlindungi_diklaim - r.orang_unik)::bigint as selisih,
    r.orang_tercatat_ganda::bigint as orang_tercatat_ganda,
    r.orang_tidak_aktif_bpjs::bigint as orang_tidak_aktif_bpjs
from register as r
inner join {{ ref('dim_wilayah') }} as d using (kode_wilayah)
inner join pelapor as p using (kode_wilayah, periode, segmen)
left join klaim as k using (kode_wilayah, periode, segmen)
