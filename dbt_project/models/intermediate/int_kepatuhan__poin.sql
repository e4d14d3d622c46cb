-- The Inpres points of each pelapor's month, from its newest submission, one row per point with
-- its status: terpenuhi, sebagian, tidak_terpenuhi or tidak_diketahui. Every rule is stated, point
-- by point, in fct_kepatuhan_pelapor's description.
with submissions as (
    select
        submission_id,
        pelapor,
        periode
    from {{ ref('int_submissions__terkini') }}
),

kepatuhan as (
    select
        s.pelapor,
        s.periode,
        k.submission_id is not null as ada_lembar,
        k.regulasi,
        k.anggaran_rp,
        k.bumd_terdaftar,
        k.ptsp_mensyaratkan
    from submissions as s
    left join {{ ref('stg_inbox__kepatuhan') }} as k using (submission_id)
),

-- Coverage is judged on the pelapor's own people: a kab/kota's rows, a province's rows about the
-- provincial government itself (not the kab/kota it reports on behalf of).
cakupan_sendiri as (
    select
        submission_id,
        segmen,
        sasaran,
        terlindungi
    from {{ ref('int_kepesertaan__terkini') }}
    where {{ kode_kini('kode_wilayah') }} = pelapor
),

cakupan as (
    select
        s.pelapor,
        s.periode,
        daftar.kode as segmen,
        c.sasaran,
        c.terlindungi
    from submissions as s
    -- Every segment gets a status, also one the pelapor sent no row for.
    cross join {{ ref('segmen') }} as daftar
    left join cakupan_sendiri as c
        on s.submission_id = c.submission_id
        and daftar.kode = c.segmen
)

select
    pelapor,
    periode,
    'regulasi' as poin,
    case
        when not ada_lembar then 'tidak_diketahui'
        when coalesce(trim(regulasi), '') <> '' then 'terpenuhi'
        else 'tidak_terpenuhi'
    end as status
from kepatuhan

union all

select
    pelapor,
    periode,
    'anggaran' as poin,
    case
        when anggaran_rp > 0 then 'terpenuhi'
        when anggaran_rp = 0 then 'tidak_terpenuhi'
        else 'tidak_diketahui'
    end as status
from kepatuhan

union all

select
    pelapor,
    periode,
    'cakupan_' || segmen as poin,
    -- Compared as counts, not as a rounded percentage: 99.996 % is not 100 %.
    case
        when sasaran is null or sasaran = 0 then 'tidak_diketahui'
        when terlindungi >= sasaran then 'terpenuhi'
        when terlindungi > 0 then 'sebagian'
        else 'tidak_terpenuhi'
    end as status
from cakupan

union all

select
    pelapor,
    periode,
    'bumd_terdaftar' as poin,
    case bumd_terdaftar
        when 'ya' then 'terpenuhi'
        when 'sebagian' then 'sebagian'
        when 'tidak' then 'tidak_terpenuhi'
        else 'tidak_diketahui'
    end as status
from kepatuhan

union all

select
    pelapor,
    periode,
    'ptsp' as poin,
    case ptsp_mensyaratkan
        when true then 'terpenuhi'
        when false then 'tidak_terpenuhi'
        else 'tidak_diketahui'
    end as status
from kepatuhan
