-- The register lists of the newest version of each pelapor's month. A view, not a copy: tens of millions of rows
-- are read once a night, by int_peserta__kelompok's one pass over the lists, and writing them again (with their
-- indexes) would cost more than that pass. A kab/kota's own list and its province's rows for it are both kept:
-- counting a person twice is what the register marts measure.
{{ latest_revision_rows(ref('stg_inbox__peserta')) }}
