-- A pelapor may send the same month again: the newest version replaces the earlier ones whole.
with ranked as (
    select
        *,
        row_number() over (
            partition by pelapor, periode
            order by received_at desc, submission_id desc
        ) as versi_terbalik
    from {{ ref('stg_inbox__submissions') }}
)

select
    submission_id,
    pelapor,
    periode,
    received_at
from ranked
where versi_terbalik = 1
