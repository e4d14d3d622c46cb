-- Governments that have never had a submission loaded, for any month. Files of theirs that were
-- rejected are counted: "tried and was refused" calls for different help than "never tried".
with penolakan as (
    select
        {{ kode_kini('pelapor') }} as kode_wilayah,
        count(*) as kiriman_ditolak,
        max(received_at) as ditolak_terakhir
    from {{ ref('stg_audit__penolakan') }}
    where sumber = 'laporan'
        and pelapor is not null
    group by 1
)

select
    d.kode_wilayah,
    d.nama_wilayah,
    d.tingkat,
    d.kode_provinsi,
    d.nama_provinsi,
    coalesce(p.kiriman_ditolak, 0) as kiriman_ditolak,
    p.ditolak_terakhir
from {{ ref('dim_wilayah') }} as d
left join penolakan as p using (kode_wilayah)
where d.tingkat <> 'nasional'
    and not exists (
        select from {{ ref('int_submissions__versi') }} as s
        where s.pelapor = d.kode_wilayah
    )
