{#- A rollup's target is known only when every part of it is: an unknown part is not zero. -#}
{% macro rollup_sasaran(column='sasaran') -%}
    case when count(*) = count({{ column }}) then sum({{ column }}) end
{%- endmacro %}
