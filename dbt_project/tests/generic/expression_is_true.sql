{#- A rule every row must satisfy, as a SQL expression over the model's columns: a row where it is
    false or null fails the test. -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where ({{ expression }}) is not true
{% endtest %}
