-- Grows by every government's rows every month, so only new submissions are read each night.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    post_hook="{{ delete_superseded_revisions() }}",
    indexes=[{'columns': ['submission_id']}],
) }}

{{ latest_revision_rows(ref('stg_inbox__kepesertaan'), only_new=is_incremental()) }}
