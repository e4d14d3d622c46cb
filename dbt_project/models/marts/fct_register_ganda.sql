-- Which pairs of pelapor list the same persons in a month, and how many. A person named by k pelapor is in each of
-- their k(k-1)/2 pairs; only the persons int_peserta__kelompok keeps one by one (listed more than once) and
-- listed by more than one government reach the pairing.
with ganda as (
    select
        periode,
        array_agg(distinct pelapor order by pelapor) as pelapor
    from {{ ref('int_peserta__kelompok') }}
    where ganda
    group by periode, nik_pseudonim
),

pasangan as (
    select
        g.periode,
        a.pelapor as pelapor_a,
        b.pelapor as pelapor_b,
        count(*) as orang
    from ganda as g
    cross join unnest(g.pelapor) with ordinality as a (pelapor, urutan)
    cross join unnest(g.pelapor) with ordinality as b (pelapor, urutan)
    where a.urutan < b.urutan
    group by g.periode, a.pelapor, b.pelapor
)

select
    p.periode,
    p.pelapor_a,
    wa.nama_wilayah as nama_pelapor_a,
    wa.kode_provinsi as kode_provinsi_a,
    p.pelapor_b,
    wb.nama_wilayah as nama_pelapor_b,
    wb.kode_provinsi as kode_provinsi_b,
    -- Codes sort a province ('72') before its kab/kota ('72.71'), so a province is always pelapor_a.
    case
        when wa.tingkat = 'provinsi' and wb.kode_provinsi = p.pelapor_a then 'provinsi_dan_kabkota'
        when wa.tingkat in ('kabupaten', 'kota') and wb.tingkat in ('kabupaten', 'kota') then 'antar_kabkota'
        else 'lain'
    end as jenis,
    p.orang::bigint as orang
from pasangan as p
inner join {{ ref('dim_wilayah') }} as wa on p.pelapor_a = wa.kode_wilayah
inner join {{ ref('dim_wilayah') }} as wb on p.pelapor_b = wb.kode_wilayah
