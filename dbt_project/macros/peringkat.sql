{#- Compared unrounded, as counts: 4 of 5 governments is 80 %, and meets 80. See _macros.yml. -#}
{% macro basis_lengkap(pemerintah_dihitung, pemerintah_diharapkan, sasaran, sasaran_acuan) -%}
    coalesce(
        100 * {{ pemerintah_dihitung }} >= {{ var('ambang_basis_persen') }} * {{ pemerintah_diharapkan }}
        and 100 * {{ sasaran }} >= {{ var('ambang_basis_persen') }} * {{ sasaran_acuan }}
        and {{ sasaran }} > 0,
        false
    )
{%- endmacro %}


{#- Two columns, peringkat and jumlah_diperingkat, so that a rank is never shown without its peers' count.
    See _macros.yml. -#}
{% macro peringkat(nilai, per, kelompok, diperingkat) -%}
    case
        when {{ kelompok }} is not null and {{ diperingkat }} then rank() over (
            partition by {{ per | join(', ') }}, {{ kelompok }}, {{ diperingkat }} order by {{ nilai }} desc
        )
    end as peringkat,
    case
        when {{ kelompok }} is not null then count(*) filter (where {{ diperingkat }}) over (
            partition by {{ per | join(', ') }}, {{ kelompok }}
        )
    end as jumlah_diperingkat
{%- endmacro %}
