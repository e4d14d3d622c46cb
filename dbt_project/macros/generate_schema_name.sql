{#- Layers get their own schema names (staging, marts, ...), not "<target>_staging". -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
