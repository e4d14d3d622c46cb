-- One row per territory, month and segment: a second row would double a figure in the report.
select kode_wilayah, periode, segmen, count(*) as n
from {{ ref('fct_cakupan_wilayah') }}
group by kode_wilayah, periode, segmen
having count(*) > 1
