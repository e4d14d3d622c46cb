{#- Papua's kab/kota changed codes in the 2022 split; a figure sent under an old code belongs to
    the same territory under today's code, so time series and rollups stay whole. -#}
{% macro kode_kini(column) -%}
    coalesce(
        (select papua.kode_baru from {{ ref('stg_wilayah__papua_kode_lama') }} as papua where papua.kode_lama = {{ column }}),
        {{ column }}
    )
{%- endmacro %}
