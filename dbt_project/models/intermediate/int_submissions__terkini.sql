-- A pelapor may send the same month again: the newest version replaces the earlier ones whole.
select
    submission_id,
    pelapor,
    periode,
    received_at,
    loaded_at,
    -- The newest version's number is how many versions there are.
    versi as jumlah_versi
from {{ ref('int_submissions__versi') }}
where terkini
