{#- An incremental table of a sheet's newest-version rows must hold exactly what a full refresh
    would build: every row it lacks and every row it should no longer have fails the test. -#}
{% test equals_full_refresh(model, sheet) %}
{%- set full_refresh = latest_revision_rows(sheet) %}
(select 'missing' as problem, * from ({{ full_refresh }}) as expected
 except all
 select 'missing', * from {{ model }})
union all
(select 'stale' as problem, * from {{ model }}
 except all
 select 'stale', * from ({{ full_refresh }}) as expected)
{% endtest %}
