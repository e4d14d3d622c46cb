{#- The month `months` away from a 'YYYY-MM' period (negative: earlier), as 'YYYY-MM'. -#}
{% macro shift_periode(periode, months) -%}
    to_char(to_date({{ periode }}, 'YYYY-MM') + interval '{{ months }} month', 'YYYY-MM')
{%- endmacro %}
