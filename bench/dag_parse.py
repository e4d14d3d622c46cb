"""How long Airflow takes to parse the DAG folder (Cosmos renders the dbt group from the manifest).

.venv/bin/python bench/dag_parse.py        # prints the median of 5 parses in fresh processes
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

from inpres.paths import PROJECT_ROOT
from inpres.transform import compile_manifest

PARSE = """
import time
from airflow.dag_processing.dagbag import DagBag
started = time.perf_counter()
bag = DagBag(dag_folder={dags!r})
elapsed = time.perf_counter() - started
assert not bag.import_errors, bag.import_errors
print(elapsed, len(bag.dags["inpres_nightly"].tasks))
"""


def main() -> None:
    compile_manifest()
    home = tempfile.mkdtemp(prefix="airflow-bench-")
    env = {
        **os.environ,
        "AIRFLOW_HOME": home,
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
    }
    times, tasks = [], 0
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-c", PARSE.format(dags=str(PROJECT_ROOT / "dags"))],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        elapsed, tasks = done.stdout.split()[-2:]
        times.append(float(elapsed))
    print(
        f"DAG parse (DagBag of dags/, {tasks} tasks, Cosmos from manifest): "
        f"median {statistics.median(times):.3f} s, max {max(times):.3f} s over {len(times)} fresh processes"
    )


if __name__ == "__main__":
    main()
