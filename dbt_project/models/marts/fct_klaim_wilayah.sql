-- JKK, JKM and JHT claims per territory × program × segment × month, with the running total of
-- the calendar year; each kab/kota, each province province-wide, and the nation ('00').
-- The klaim sheet has no territory column: a pelapor's claims are its own territory's, and a
-- province's are the provincial government's own.
with klaim as (
    select
        pelapor,
        periode,
        program,
        segmen,
        kasus,
        nilai_rp
    from {{ ref('int_klaim__terkini') }}
),

-- A month a pelapor reported without a row for a program and segment paid none of those claims:
-- a zero row from the key's first month in the year keeps the year's total visible every month.
kunci_tahun as (
    select
        pelapor,
        left(periode, 4) as tahun,
        program,
        segmen,
        min(periode) as periode_pertama
    from klaim
    group by pelapor, left(periode, 4), program, segmen
),

wilayah as (
    select
        s.pelapor as kode_wilayah,
        s.periode,
        k.program,
        k.segmen,
        coalesce(c.kasus, 0) as kasus,
        coalesce(c.nilai_rp, 0) as nilai_rp
    from {{ ref('int_submissions__terkini') }} as s
    inner join kunci_tahun as k
        on s.pelapor = k.pelapor
        and k.tahun = left(s.periode, 4)
        and s.periode >= k.periode_pertama
    left join klaim as c
        on s.pelapor = c.pelapor
        and s.periode = c.periode
        and k.program = c.program
        and k.segmen = c.segmen
),

-- Each kab/kota as itself, each province province-wide (its own claims plus its kab/kota's), the nation.
semua as (
    select
        kode_rollup as kode_wilayah,
        periode,
        program,
        segmen,
        sum(kasus) as kasus,
        sum(nilai_rp) as nilai_rp
    from wilayah
    cross join {{ rollup_wilayah('kode_wilayah', kabupaten_kota=true) }}
    group by kode_rollup, periode, program, segmen
)

select
    s.kode_wilayah,
    d.nama_wilayah,
    d.tingkat,
    d.kode_provinsi,
    s.periode,
    s.program,
    s.segmen,
    s.kasus::bigint as kasus,
    s.nilai_rp::bigint as nilai_rp,
    -- The basis of a province-wide or national sum: whose reports of the month it includes, of the
    -- governments it should (fct_kelengkapan_laporan); a kab/kota row is its own report.
    coalesce(k.laporan_diharapkan, 1)::int as pemerintah_diharapkan,
    coalesce(k.laporan_diterima, 1)::int as pemerintah_dihitung,
    (sum(s.kasus) over tahun)::bigint as kasus_kumulatif_tahun,
    (sum(s.nilai_rp) over tahun)::bigint as nilai_rp_kumulatif_tahun
from semua as s
inner join {{ ref('dim_wilayah') }} as d using (kode_wilayah)
left join {{ ref('fct_kelengkapan_laporan') }} as k
    on s.kode_wilayah = k.kode_wilayah
    and s.periode = k.periode
window tahun as (partition by s.kode_wilayah, s.program, s.segmen, left(s.periode, 4) order by s.periode)
