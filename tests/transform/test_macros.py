"""Every macro of the dbt project is documented in dbt_project/macros/_macros.yml, each argument by name."""

from __future__ import annotations

import json
import re

SIGNATURE = re.compile(r"{%-?\s*(?:macro|test)\s+\w+\((?P<args>[^)]*)\)")


def _declared(macro_sql: str) -> list[str]:
    """The argument names of a macro as its Jinja signature declares them (defaults dropped)."""
    args = SIGNATURE.search(macro_sql).group("args")
    return [arg.split("=")[0].strip() for arg in args.split(",") if arg.strip()]


def test_every_macro_and_each_of_its_arguments_is_described(manifest):
    macros = [
        m for m in json.loads(manifest.read_text(encoding="utf-8"))["macros"].values() if m["package_name"] == "inpres"
    ]
    assert {"rollup_wilayah", "peringkat", "basis_lengkap", "kode_provinsi"} <= {m["name"] for m in macros}
    problems = {}
    for macro in macros:
        documented = {a["name"]: a.get("description", "").strip() for a in macro["arguments"]}
        missing = [arg for arg in _declared(macro["macro_sql"]) if not documented.get(arg)]
        unknown = sorted(set(documented) - set(_declared(macro["macro_sql"])))
        if not macro["description"].strip() or missing or unknown:
            problems[macro["name"]] = {
                "described": bool(macro["description"].strip()),
                "missing": missing,
                "unknown": unknown,
            }
    assert problems == {}
