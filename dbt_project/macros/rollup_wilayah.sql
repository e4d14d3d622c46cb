{#- Kemendagri codes carry their province: '72.03' is in province '72'. See _macros.yml. -#}
{% macro kode_provinsi(kode_wilayah) -%}
    split_part({{ kode_wilayah }}, '.', 1)
{%- endmacro %}


{#- A row joined to each territory it counts towards (column kode_rollup), rather than grouping sets, so
    that every level is one plain group by and a province's own territory never becomes a row of its own.
    See _macros.yml. -#}
{% macro rollup_wilayah(kode_wilayah, kabupaten_kota=false) -%}
    unnest(array_remove(array[
        {%- if kabupaten_kota %}
        case when {{ kode_wilayah }} <> {{ kode_provinsi(kode_wilayah) }} then {{ kode_wilayah }} end,
        {%- endif %}
        {{ kode_provinsi(kode_wilayah) }},
        '00'
    ], null)) as rollup_wilayah (kode_rollup)
{%- endmacro %}
