-- The semesters Kemenko PMK reports to the President on (1 = January–June, 2 = July–December),
-- as far as dim_periode has their months: the first semester of 2021 starts in April (the Inpres
-- was signed in March) and the current semester ends at the latest month any data is about.
select
    tahun,
    semester,
    'Semester ' || case semester when 1 then 'I' else 'II' end || ' ' || tahun as nama_semester,
    min(periode) as periode_awal,
    max(periode) as periode_akhir,
    count(*)::int as bulan_tercakup,
    -- The month before the calendar semester starts: December of the year before, or June.
    to_char(make_date(tahun, 6 * semester - 5, 1) - interval '1 month', 'YYYY-MM') as periode_sebelum
from {{ ref('dim_periode') }}
group by tahun, semester
