-- Every month from April 2021, the first the Inpres covers, to the latest month any data is about.
with terakhir as (
    select max(periode) as periode
    from (
        select periode from {{ ref('stg_inbox__submissions') }}
        union all
        select periode from {{ ref('stg_bpjs__kepesertaan') }}
    ) as semua
),

bulan as (
    select awal_bulan::date as awal_bulan
    from terakhir
    cross join generate_series(
        date '2021-04-01',
        to_date(coalesce(periode, '2021-04'), 'YYYY-MM'),
        interval '1 month'
    ) as awal_bulan
)

select
    to_char(awal_bulan, 'YYYY-MM') as periode,
    extract(year from awal_bulan)::int as tahun,
    extract(month from awal_bulan)::int as bulan,
    (array[
        'Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni',
        'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'
    ])[extract(month from awal_bulan)::int] as nama_bulan,
    -- Kemenko PMK reports to the President every six months.
    case when extract(month from awal_bulan) <= 6 then 1 else 2 end as semester,
    awal_bulan,
    (awal_bulan + interval '1 month' + ({{ var('batas_hari_lapor') }} - 1) * interval '1 day')::date as batas_lapor
from bulan
