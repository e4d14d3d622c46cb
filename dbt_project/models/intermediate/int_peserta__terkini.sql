-- The register lists of the newest version of each pelapor's month. Tens of millions of rows: a night reads only
-- the submissions not in the table yet and removes the rows of versions a newer one replaced. A kab/kota's own
-- list and its province's rows for it are both kept: counting a person twice is what the register marts measure.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    post_hook="{{ delete_superseded_revisions() }}",
    indexes=[
        {'columns': ['submission_id']},
        {'columns': ['periode', 'nik_pseudonim']},
    ],
) }}

{{ latest_revision_rows(ref('stg_inbox__peserta'), only_new=is_incremental()) }}
