-- Persons behind the coverage figures, from the register lists, per territory × segment × month: each kab/kota,
-- each province province-wide and the nation ('00'), per segment and over all segments ('semua'). Each person is
-- counted once per row however many lists name them, so the nation counts everyone once; beside it the
-- terlindungi the same territories claim, how many persons more than one pelapor lists, and how many BPJS's
-- extract of the month does not show as active.
--
-- From int_peserta__kelompok: the counts of persons listed once are rolled up as sums; only persons listed more
-- than once are rolled up one by one, each person once in each territory (rollup_wilayah) and segment.
with kelompok as (
    select * from {{ ref('int_peserta__kelompok') }}
),

sekali_per_tingkat as (
    select
        rollup_wilayah.kode_rollup as kode_wilayah,
        segmen_rollup.segmen,
        k.periode,
        sum(k.orang) as orang,
        0 as ganda,
        sum(k.orang) filter (where k.tidak_aktif) as tidak_aktif,
        bool_and(k.tidak_aktif is not null) as ada_ekstrak
    from kelompok as k
    cross join {{ rollup_wilayah('k.kode_wilayah', kabupaten_kota=true) }}
    cross join unnest(array[k.segmen, 'semua']) as segmen_rollup (segmen)
    where k.nik_pseudonim is null
    group by rollup_wilayah.kode_rollup, segmen_rollup.segmen, k.periode
),

-- A person listed more than once is in a territory's row once per territory and segment they are listed under.
-- Their listings (two, mostly) are gathered per person first, so that each person's territories and segments are
-- told apart among a handful of rows: one distinct over every listing at every level took twice as long.
berkali_per_orang as (
    select
        periode,
        nik_pseudonim,
        bool_or(ganda) as ganda,
        bool_or(tidak_aktif) as tidak_aktif,
        array_agg(kode_wilayah) as kode_wilayah,
        array_agg(segmen) as segmen
    from kelompok
    where nik_pseudonim is not null
    group by periode, nik_pseudonim
),

berkali_per_tingkat as (
    select
        tingkat.kode_wilayah,
        tingkat.segmen,
        o.periode,
        count(*) as orang,
        count(*) filter (where o.ganda) as ganda,
        count(*) filter (where o.tidak_aktif) as tidak_aktif,
        bool_and(o.tidak_aktif is not null) as ada_ekstrak
    from berkali_per_orang as o
    cross join
        lateral (
            select distinct
                rollup_wilayah.kode_rollup as kode_wilayah,
                segmen_rollup.segmen
            from unnest(o.kode_wilayah, o.segmen) as daftar (kode_wilayah, segmen)
            cross join {{ rollup_wilayah('daftar.kode_wilayah', kabupaten_kota=true) }}
            cross join unnest(array[daftar.segmen, 'semua']) as segmen_rollup (segmen)
        ) as tingkat
    group by tingkat.kode_wilayah, tingkat.segmen, o.periode
),

register as (
    select
        r.kode_wilayah,
        r.periode,
        r.segmen,
        sum(r.orang) as orang_unik,
        sum(r.ganda) as orang_tercatat_ganda,
        -- Only a month BPJS sent an extract for can tell; otherwise unknown, not zero.
        case when bool_and(r.ada_ekstrak) then coalesce(sum(r.tidak_aktif), 0) end as orang_tidak_aktif_bpjs
    from (
        select
            kode_wilayah,
            periode,
            segmen,
            orang,
            ganda,
            tidak_aktif,
            ada_ekstrak
        from sekali_per_tingkat
        union all
        select
            kode_wilayah,
            periode,
            segmen,
            orang,
            ganda,
            tidak_aktif,
            ada_ekstrak
        from berkali_per_tingkat
    ) as r
    group by r.kode_wilayah, r.periode, r.segmen
),

daftar_pelapor as (
    select distinct
        periode,
        pelapor,
        kode_wilayah,
        segmen
    from kelompok
),

tercakup as (
    select distinct
        periode,
        kode_wilayah,
        segmen
    from daftar_pelapor
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
