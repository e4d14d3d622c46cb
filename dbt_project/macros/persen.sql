{#- Coverage in percent, two decimals; unknown when the target is unknown or zero. -#}
{% macro persen(part, whole) -%}
    round(100.0 * {{ part }} / nullif({{ whole }}, 0), 2)
{%- endmacro %}
