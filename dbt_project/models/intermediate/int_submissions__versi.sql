-- Every version of every submission, numbered in the order received. A pelapor is the same
-- government under Papua's old and new codes, so versions are grouped under today's code.
with submissions as (
    select
        submission_id,
        {{ kode_kini('pelapor') }} as pelapor,
        pelapor as pelapor_dilaporkan,
        periode,
        file_name,
        received_at,
        loaded_at
    from {{ ref('stg_inbox__submissions') }}
)

select
    *,
    row_number() over (
        partition by pelapor, periode
        order by received_at, submission_id
    ) as versi,
    -- The newest version replaces the earlier ones whole (template v1, "Revisions").
    row_number() over (
        partition by pelapor, periode
        order by received_at desc, submission_id desc
    ) = 1 as terkini
from submissions
