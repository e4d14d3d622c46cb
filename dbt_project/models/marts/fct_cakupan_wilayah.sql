-- Coverage per territory × segment × month: each kab/kota as reported, each province
-- province-wide (its own rows plus its kab/kota), and the nation ('00'), with the basis every
-- province-wide and national figure stands on, the change from the month before and from the
-- same month a year earlier, and the rank among its peers.
--
-- A rollup is the sum of what was reported, never an estimate of what was not. Its basis says how
-- much that is: the governments it includes of those it should, and how much of the target it
-- covers (this month's reported targets against each government's last known target). Only a
-- figure whose basis reaches ambang_basis_persen on both counts is ranked. A change compares like
-- with like: only the governments with a figure in both months, so a government that reported one
-- month and not the other does not show up as a rise or a fall.
with wilayah as (
    select * from {{ ref('int_kepesertaan__wilayah') }}
),

periode as (
    select distinct periode from wilayah
),

-- Who reported anything at all in a month.
dilaporkan as (
    select distinct
        kode_wilayah,
        periode
    from wilayah
),

-- Every government a rollup should include (the 38 provincial governments' own territories and
-- the 514 kab/kota) × every month with figures × every segment, with what it reported, if anything.
bagian as (
    select
        d.kode_wilayah,
        d.kode_provinsi,
        p.periode,
        s.kode as segmen,
        w.sasaran,
        w.terlindungi,
        w.kode_wilayah is not null as ada_angka,
        dilaporkan.kode_wilayah is not null as dihitung
    from {{ ref('dim_wilayah') }} as d
    cross join periode as p
    cross join {{ ref('segmen') }} as s
    left join wilayah as w
        on d.kode_wilayah = w.kode_wilayah
        and p.periode = w.periode
        and s.kode = w.segmen
    left join dilaporkan
        on d.kode_wilayah = dilaporkan.kode_wilayah
        and p.periode = dilaporkan.periode
    where d.tingkat <> 'nasional'
),

-- A government's target this month, or else the last one it reported before (what a complete
-- rollup would have counted: runs of months share the group of their last known target), and its
-- own figures a month and a year earlier.
acuan as (
    select
        b.*,
        max(b.sasaran) over (partition by b.kode_wilayah, b.segmen, b.kelompok_sasaran) as sasaran_acuan,
        bulan_lalu.sasaran as sasaran_bulan_lalu,
        bulan_lalu.terlindungi as terlindungi_bulan_lalu,
        tahun_lalu.sasaran as sasaran_tahun_lalu,
        tahun_lalu.terlindungi as terlindungi_tahun_lalu
    from (
        select
            *,
            count(sasaran) over (partition by kode_wilayah, segmen order by periode) as kelompok_sasaran
        from bagian
    ) as b
    left join bagian as bulan_lalu
        on b.kode_wilayah = bulan_lalu.kode_wilayah
        and b.segmen = bulan_lalu.segmen
        and bulan_lalu.periode = {{ shift_periode('b.periode', -1) }}
    left join bagian as tahun_lalu
        on b.kode_wilayah = tahun_lalu.kode_wilayah
        and b.segmen = tahun_lalu.segmen
        and tahun_lalu.periode = {{ shift_periode('b.periode', -12) }}
),

-- One aggregation for every level: a kab/kota is the group of itself, a province its own territory
-- and its kab/kota, the nation everyone. The province's own territory is no row of its own.
cakupan as (
    select
        kode_rollup as kode_wilayah,
        periode,
        segmen,
        sum(sasaran) as sasaran,
        sum(terlindungi) as terlindungi,
        sum(terlindungi) filter (where sasaran is not null) as terlindungi_bersasaran,
        count(*) as pemerintah_diharapkan,
        count(*) filter (where dihitung) as pemerintah_dihitung,
        count(*) filter (where sasaran is not null) as pemerintah_bersasaran,
        sum(sasaran_acuan) as sasaran_acuan,
        sum(terlindungi - terlindungi_bulan_lalu) as perubahan_terlindungi_bulan_lalu,
        -- Coverage of the governments with a known target and a figure in both months, then and now.
        {{ persen('sum(terlindungi) filter (where sasaran is not null and sasaran_bulan_lalu is not null)',
                  'sum(sasaran) filter (where sasaran_bulan_lalu is not null)') }}
        - {{ persen('sum(terlindungi_bulan_lalu) filter (where sasaran is not null and sasaran_bulan_lalu is not null)',
                    'sum(sasaran_bulan_lalu) filter (where sasaran is not null)') }} as perubahan_persen_bulan_lalu,
        sum(terlindungi - terlindungi_tahun_lalu) as perubahan_terlindungi_tahun_lalu,
        {{ persen('sum(terlindungi) filter (where sasaran is not null and sasaran_tahun_lalu is not null)',
                  'sum(sasaran) filter (where sasaran_tahun_lalu is not null)') }}
        - {{ persen('sum(terlindungi_tahun_lalu) filter (where sasaran is not null and sasaran_tahun_lalu is not null)',
                    'sum(sasaran_tahun_lalu) filter (where sasaran is not null)') }} as perubahan_persen_tahun_lalu
    from acuan
    cross join {{ rollup_wilayah('kode_wilayah', kabupaten_kota=true) }}
    group by kode_rollup, periode, segmen
    having bool_or(ada_angka)
),

persen as (
    select
        *,
        {{ persen('terlindungi_bersasaran', 'sasaran') }} as persen_terlindungi,
        {{ persen('sasaran', 'sasaran_acuan') }} as persen_sasaran_terlapor,
        {{ basis_lengkap('pemerintah_dihitung', 'pemerintah_diharapkan', 'sasaran', 'sasaran_acuan') }}
            as basis_lengkap,
        {{ shift_periode('periode', -1) }} as periode_bulan_lalu,
        {{ shift_periode('periode', -12) }} as periode_tahun_lalu
    from cakupan
),

bandingan as (
    select
        c.kode_wilayah,
        d.nama_wilayah,
        d.tingkat,
        d.kode_provinsi,
        c.periode,
        c.segmen,
        c.sasaran::bigint as sasaran,
        c.terlindungi::bigint as terlindungi,
        c.terlindungi_bersasaran::bigint as terlindungi_bersasaran,
        c.persen_terlindungi,
        c.pemerintah_diharapkan::int as pemerintah_diharapkan,
        c.pemerintah_dihitung::int as pemerintah_dihitung,
        c.pemerintah_bersasaran::int as pemerintah_bersasaran,
        c.sasaran_acuan::bigint as sasaran_acuan,
        c.persen_sasaran_terlapor,
        c.basis_lengkap,
        c.perubahan_terlindungi_bulan_lalu::bigint as perubahan_terlindungi_bulan_lalu,
        c.perubahan_persen_bulan_lalu,
        bulan_lalu.basis_lengkap as basis_lengkap_bulan_lalu,
        c.perubahan_terlindungi_tahun_lalu::bigint as perubahan_terlindungi_tahun_lalu,
        c.perubahan_persen_tahun_lalu,
        tahun_lalu.basis_lengkap as basis_lengkap_tahun_lalu,
        -- Who is ranked with whom: provinces among provinces, a kab/kota among the kab/kota of its
        -- own province; the nation has no peers. Only a complete basis with a known percentage is ranked.
        case
            when d.tingkat = 'provinsi' then 'provinsi'
            when d.tingkat in ('kabupaten', 'kota') then d.kode_provinsi
        end as kelompok_peringkat,
        c.basis_lengkap and c.persen_terlindungi is not null as diperingkat
    from persen as c
    inner join {{ ref('dim_wilayah') }} as d using (kode_wilayah)
    left join persen as bulan_lalu
        on c.kode_wilayah = bulan_lalu.kode_wilayah
        and c.segmen = bulan_lalu.segmen
        and c.periode_bulan_lalu = bulan_lalu.periode
    left join persen as tahun_lalu
        on c.kode_wilayah = tahun_lalu.kode_wilayah
        and c.segmen = tahun_lalu.segmen
        and c.periode_tahun_lalu = tahun_lalu.periode
)

select
    kode_wilayah,
    nama_wilayah,
    tingkat,
    kode_provinsi,
    periode,
    segmen,
    sasaran,
    terlindungi,
    terlindungi_bersasaran,
    persen_terlindungi,
    pemerintah_diharapkan,
    pemerintah_dihitung,
    pemerintah_bersasaran,
    sasaran_acuan,
    persen_sasaran_terlapor,
    basis_lengkap,
    perubahan_terlindungi_bulan_lalu,
    perubahan_persen_bulan_lalu,
    basis_lengkap_bulan_lalu,
    perubahan_terlindungi_tahun_lalu,
    perubahan_persen_tahun_lalu,
    basis_lengkap_tahun_lalu,
    {{ peringkat('persen_terlindungi', ['periode', 'segmen'], 'kelompok_peringkat', 'diperingkat') }}
from bandingan
