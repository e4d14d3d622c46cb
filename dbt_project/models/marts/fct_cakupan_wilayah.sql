-- Coverage per territory × segment × month: each kab/kota as reported, each province
-- province-wide (its own rows plus its kab/kota), and the nation ('00').
with wilayah as (
    select * from {{ ref('int_kepesertaan__wilayah') }}
),

kabupaten_kota as (
    select kode_wilayah, periode, segmen, sasaran, terlindungi
    from wilayah
    where kode_wilayah <> kode_provinsi
),

provinsi as (
    select
        kode_provinsi as kode_wilayah,
        periode,
        segmen,
        {{ rollup_sasaran() }} as sasaran,
        sum(terlindungi) as terlindungi
    from wilayah
    group by kode_provinsi, periode, segmen
),

nasional as (
    select
        '00' as kode_wilayah,
        periode,
        segmen,
        {{ rollup_sasaran() }} as sasaran,
        sum(terlindungi) as terlindungi
    from wilayah
    group by periode, segmen
),

cakupan as (
    select * from kabupaten_kota
    union all
    select * from provinsi
    union all
    select * from nasional
)

select
    c.kode_wilayah,
    d.nama_wilayah,
    d.tingkat,
    d.kode_provinsi,
    c.periode,
    c.segmen,
    c.sasaran::bigint as sasaran,
    c.terlindungi::bigint as terlindungi,
    {{ persen('c.terlindungi', 'c.sasaran') }} as persen_terlindungi
from cakupan as c
inner join {{ ref('dim_wilayah') }} as d using (kode_wilayah)
