{#- The Inpres points of the scorecard, in the order of its columns (see fct_kepatuhan_pelapor). -#}
{% macro daftar_poin_kepatuhan() -%}
    {%- set poin = ['regulasi', 'anggaran'] -%}
    {%- for segmen in daftar_segmen() -%}
        {%- do poin.append('cakupan_' ~ segmen) -%}
    {%- endfor -%}
    {{ return(poin + ['bumd_terdaftar', 'ptsp']) }}
{%- endmacro %}


{#- Points a status earns in the score; tidak_diketahui earns none and is left out of the maximum. -#}
{% macro nilai_status(status) -%}
    case {{ status }} when 'terpenuhi' then 2 when 'sebagian' then 1 when 'tidak_terpenuhi' then 0 end
{%- endmacro %}
