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


{#- A newer BPJS extract of a month replaces the earlier ones whole for that month (int_bpjs__peserta_terkini).
    The months' extracts are read from the (periode, extract_id) index and their arrival from the extracts'
    own table, and only the older extracts' rows are looked up: the table holds tens of millions of rows, and a
    night without a new extract should not read them. -#}
{% macro delete_older_extracts() %}
delete from {{ this }} as loaded
using (
    select
        ranked.periode,
        ranked.extract_id
    from (
        select
            extracts.periode,
            extracts.extract_id,
            row_number() over (
                partition by extracts.periode order by e.received_at desc, extracts.extract_id desc
            ) as urutan
        from (select distinct periode, extract_id from {{ this }}) as extracts
        inner join {{ source('bpjs', 'bpjs_extract') }} as e on extracts.extract_id = e.extract_id
    ) as ranked
    where ranked.urutan > 1
) as older
where loaded.periode = older.periode and loaded.extract_id = older.extract_id
{% endmacro %}
