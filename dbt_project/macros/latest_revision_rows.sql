{#- The rows of one sheet that belong to the newest version of each pelapor's month.

    `only_new` (an incremental run) keeps out submissions already in the table, so a night adds
    only what arrived since; rows of versions replaced since are removed by
    delete_superseded_revisions(), run after it. Without `only_new` it is the full-refresh query,
    which the generic test equals_full_refresh compares the table with. -#}
{% macro latest_revision_rows(sheet, only_new=false) %}
select
    terkini.pelapor,
    terkini.periode,
    sheet_rows.*
from {{ sheet }} as sheet_rows
inner join {{ ref('int_submissions__terkini') }} as terkini using (submission_id)
{%- if only_new %}
where not exists (select from {{ this }} as loaded where loaded.submission_id = sheet_rows.submission_id)
{%- endif %}
{% endmacro %}


{#- A newer version replaces an earlier one whole: its rows leave the table, even when the newer
    version has no rows in the sheet at all (a month with no claims). -#}
{% macro delete_superseded_revisions() %}
delete from {{ this }} as loaded
where not exists (
    select from {{ ref('int_submissions__terkini') }} as terkini
    where terkini.submission_id = loaded.submission_id
)
{% endmacro %}


{#- A newer BPJS extract of a month replaces the earlier ones whole for that month (int_bpjs__peserta_terkini). -#}
{% macro delete_older_extracts() %}
delete from {{ this }} as loaded
using (
    select distinct on (periode) periode, extract_id
    from (select distinct periode, extract_id, received_at from {{ this }}) as extracts
    order by periode, received_at desc, extract_id desc
) as newest
where loaded.periode = newest.periode and loaded.extract_id <> newest.extract_id
{% endmacro %}
