{#- Every point is one of the scorecard's columns (daftar_poin_kepatuhan, its segments read from the seed
    `segmen`): fct_kepatuhan_pelapor has a column per point, and a point without one would count in the
    score unseen. -#}
{% test poin_kepatuhan_dikenal(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} not in ('{{ daftar_poin_kepatuhan() | join("', '") }}')
{% endtest %}
