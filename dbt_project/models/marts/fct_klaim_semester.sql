-- JKK, JKM and JHT claims per territory × program × segment × semester. Claims are a flow: the
-- semester's figure is the sum of its months in fct_klaim_wilayah.
with semester as (
    select
        k.kode_wilayah,
        k.nama_wilayah,
        k.tingkat,
        k.kode_provinsi,
        p.tahun,
        p.semester,
        k.program,
        k.segmen,
        sum(k.kasus)::bigint as kasus,
        sum(k.nilai_rp)::bigint as nilai_rp
    from {{ ref('fct_klaim_wilayah') }} as k
    inner join {{ ref('dim_periode') }} as p using (periode)
    group by k.kode_wilayah, k.nama_wilayah, k.tingkat, k.kode_provinsi, p.tahun, p.semester, k.program, k.segmen
)

select
    k.kode_wilayah,
    k.nama_wilayah,
    k.tingkat,
    k.kode_provinsi,
    k.tahun,
    k.semester,
    k.program,
    k.segmen,
    s.periode_awal,
    s.periode_akhir,
    s.bulan_tercakup,
    k.kasus,
    k.nilai_rp
from semester as k
inner join {{ ref('dim_semester') }} as s using (tahun, semester)
