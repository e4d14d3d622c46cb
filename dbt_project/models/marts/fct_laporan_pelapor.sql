-- Every reporting government (the 38 provinces and 514 kab/kota) × every month: did its report
-- come, on time or late, when, and in how many versions. fct_kelengkapan_laporan counts these rows.
with versi as (
    select
        pelapor,
        periode,
        -- Timeliness is decided by the first version; a later revision does not make a report late.
        min(received_at) filter (where versi = 1) as diterima_pertama,
        max(received_at) filter (where terkini) as diterima_terakhir,
        count(*) as jumlah_versi
    from {{ ref('int_submissions__versi') }}
    group by pelapor, periode
)

select
    w.kode_wilayah,
    w.nama_wilayah,
    w.tingkat,
    w.kode_provinsi,
    p.periode,
    p.batas_lapor,
    case
        when v.diterima_pertama is null then 'belum_lapor'
        -- The deadline is a day in Asia/Jakarta: a file at 23:59 WIB on that day is on time.
        when (v.diterima_pertama at time zone 'Asia/Jakarta')::date <= p.batas_lapor then 'tepat_waktu'
        else 'terlambat'
    end as status_laporan,
    v.diterima_pertama,
    v.diterima_terakhir,
    coalesce(v.jumlah_versi, 0) as jumlah_versi
from {{ ref('dim_wilayah') }} as w
cross join {{ ref('dim_periode') }} as p
left join versi as v on w.kode_wilayah = v.pelapor and p.periode = v.periode
where w.tingkat <> 'nasional'
