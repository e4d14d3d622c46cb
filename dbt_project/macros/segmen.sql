{#- The codes of the seed `segmen`, in its order. See _macros.yml. -#}
{% macro daftar_segmen() -%}
    {#- ref() also makes every model using this macro depend on the seed: dbt builds the seed first. -#}
    {%- set segmen = ref('segmen') -%}
    {%- if execute and segmen.is_cte -%}
        {#- In a unit test ref() names the test's fixture, which exists only inside the tested query. -#}
        {{ exceptions.raise_compiler_error(
            "daftar_segmen() cannot read a fixture: give the segments in the unit test's "
            ~ "overrides: {macros: {daftar_segmen: [...]}}"
        ) }}
    {%- endif -%}
    {%- if execute and load_relation(segmen) is not none -%}
        {{ return(run_query('select kode from ' ~ segmen ~ ' order by urutan').columns[0].values() | list) }}
    {%- endif -%}
    {#- dbt only parsing, or a warehouse not seeded yet (sqlfluff on a fresh checkout): nothing to read. -#}
    {{ return([]) }}
{%- endmacro %}
