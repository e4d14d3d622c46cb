-- Coverage per territory × segment × month: each kab/kota as reported, each province
-- province-wide (its own rows plus its kab/kota), and the nation ('00'), with the change from
-- the month before and from the same month a year earlier, and the rank among its peers.
with wilayah as (
    select * from {{ ref('int_kepesertaan__wilayah') }}
),

cakupan as (
    select kode_wilayah, periode, segmen, sasaran, terlindungi
    from wilayah
    where kode_wilayah <> kode_provinsi

    union all

    -- Each territory is in `wilayah` once, so a province's or the nation's sum counts it once.
    -- The second grouping set has no province: that is the nation.
    select
        coalesce(kode_provinsi, '00'),
        periode,
        segmen,
        {{ rollup_sasaran() }},
        sum(terlindungi)
    from wilayah
    group by grouping sets ((kode_provinsi, periode, segmen), (periode, segmen))
),

persen as (
    select
        *,
        {{ persen('terlindungi', 'sasaran') }} as persen_terlindungi,
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
        c.persen_terlindungi,
        (c.terlindungi - bulan_lalu.terlindungi)::bigint as perubahan_terlindungi_bulan_lalu,
        -- Percentage points between the published (rounded) percentages, so the report adds up.
        c.persen_terlindungi - bulan_lalu.persen_terlindungi as perubahan_persen_bulan_lalu,
        (c.terlindungi - tahun_lalu.terlindungi)::bigint as perubahan_terlindungi_tahun_lalu,
        c.persen_terlindungi - tahun_lalu.persen_terlindungi as perubahan_persen_tahun_lalu,
        -- Who is ranked with whom: provinces among provinces, a kab/kota among the kab/kota of its
        -- own province; the nation has no peers.
        case
            when d.tingkat = 'provinsi' then 'provinsi'
            when d.tingkat in ('kabupaten', 'kota') then d.kode_provinsi
        end as kelompok_peringkat
    from persen as c
    inner join {{ ref('dim_wilayah') }} as d using (kode_wilayah)
    left join persen as bulan_lalu
        on bulan_lalu.kode_wilayah = c.kode_wilayah
        and bulan_lalu.segmen = c.segmen
        and bulan_lalu.periode = c.periode_bulan_lalu
    left join persen as tahun_lalu
        on tahun_lalu.kode_wilayah = c.kode_wilayah
        and tahun_lalu.segmen = c.segmen
        and tahun_lalu.periode = c.periode_tahun_lalu
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
    persen_terlindungi,
    perubahan_terlindungi_bulan_lalu,
    perubahan_persen_bulan_lalu,
    perubahan_terlindungi_tahun_lalu,
    perubahan_persen_tahun_lalu,
    -- Highest percentage first; equal percentages share a rank (1, 2, 2, 4); an unknown percentage
    -- is not ranked but its group still is.
    case when kelompok_peringkat is not null and persen_terlindungi is not null then
        rank() over (
            partition by periode, segmen, kelompok_peringkat, persen_terlindungi is null
            order by persen_terlindungi desc
        )
    end as peringkat,
    case when kelompok_peringkat is not null then
        count(persen_terlindungi) over (partition by periode, segmen, kelompok_peringkat)
    end as jumlah_diperingkat
from bandingan
