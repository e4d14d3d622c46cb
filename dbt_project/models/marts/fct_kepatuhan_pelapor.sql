-- The Inpres scorecard: per pelapor and month, each point's status, the score and the rank among
-- governments of the same level. The scoring rule is in the yml, point by point.
with poin as (
    select
        pelapor,
        periode,
        poin,
        status,
        {{ nilai_status('status') }} as nilai
    from {{ ref('int_kepatuhan__poin') }}
),

skor as (
    select
        pelapor as kode_wilayah,
        periode,
        {%- for p in daftar_poin_kepatuhan() %}
        max(status) filter (where poin = '{{ p }}') as status_{{ p }},
        {%- endfor %}
        coalesce(sum(nilai), 0) as poin_diperoleh,
        2 * count(nilai) as poin_maksimal,
        {{ persen('sum(nilai)', '2 * count(nilai)') }} as skor
    from poin
    group by pelapor, periode
),

jenjang as (
    select
        s.*,
        d.nama_wilayah,
        d.tingkat,
        d.kode_provinsi,
        -- Provinces are ranked among provinces; kabupaten and kota together, one level below.
        case when d.tingkat = 'provinsi' then 'provinsi' else 'kabupaten_kota' end as jenjang
    from skor as s
    inner join {{ ref('dim_wilayah') }} as d using (kode_wilayah)
)

select
    kode_wilayah,
    nama_wilayah,
    tingkat,
    kode_provinsi,
    periode,
    jenjang,
    {%- for p in daftar_poin_kepatuhan() %}
    status_{{ p }},
    {%- endfor %}
    poin_diperoleh,
    poin_maksimal,
    skor,
    -- A government with no known point is not ranked.
    {{ peringkat('skor', ['periode'], 'jenjang', 'skor is not null') }}
from jenjang
