{#- The segments of template v1, in the order every table shows them. -#}
{% macro daftar_segmen() -%}
    {{ return(['pekerja_rentan', 'non_asn', 'perangkat_desa', 'penyelenggara_pemilu', 'pegawai_bumd']) }}
{%- endmacro %}
