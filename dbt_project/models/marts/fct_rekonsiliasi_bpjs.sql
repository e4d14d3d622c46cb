-- Per kab/kota × segment × month: what the regions report as protected against BPJS
-- Ketenagakerjaan's own active participants, and whether the gap is past the tolerance.
with dilaporkan as (
    select
        kode_wilayah,
        periode,
        segmen,
        terlindungi,
        pelapor
    from {{ ref('int_kepesertaan__wilayah') }}
    where kode_wilayah <> kode_provinsi
),

bpjs as (
    select
        kode_wilayah,
        periode,
        segmen,
        peserta_aktif,
        extract_id
    from {{ ref('int_bpjs__kepesertaan_terkini') }}
),

-- A figure on one side only is kept: "nobody reported it" is itself a finding.
rekonsiliasi as (
    select
        kode_wilayah,
        periode,
        segmen,
        dilaporkan.terlindungi,
        bpjs.peserta_aktif,
        dilaporkan.terlindungi - bpjs.peserta_aktif as selisih,
        dilaporkan.pelapor,
        bpjs.extract_id
    from dilaporkan
    full join bpjs using (kode_wilayah, periode, segmen)
)

select
    r.kode_wilayah,
    d.nama_wilayah,
    d.kode_provinsi,
    r.periode,
    r.segmen,
    r.terlindungi,
    r.peserta_aktif,
    r.selisih,
    {{ persen('r.selisih', 'r.peserta_aktif') }} as selisih_persen,
    -- Compared unrounded; with no BPJS participants any reported worker is past the tolerance.
    abs(r.selisih) * 100 > {{ var('toleransi_selisih_persen') }} * r.peserta_aktif as melewati_toleransi,
    r.pelapor,
    r.extract_id
from rekonsiliasi as r
inner join {{ ref('dim_wilayah') }} as d using (kode_wilayah)
