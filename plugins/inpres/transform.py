"""dbt inside Airflow, through Cosmos, rendered from a manifest compiled beforehand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inpres.paths import DBT_MANIFEST, DBT_PROJECT
from inpres.warehouse import CONN_ID

if TYPE_CHECKING:
    from cosmos import DbtTaskGroup, ProfileConfig


def profile_config() -> ProfileConfig:
    from cosmos import ProfileConfig
    from cosmos.profiles import PostgresUserPasswordProfileMapping

    # dbt reads the same Airflow connection as everything else; its own objects go to named schemas. The one
    # `dbt build` runs independent nodes side by side (dbt's own default is one at a time).
    return ProfileConfig(
        profile_name="inpres",
        target_name="airflow",
        profile_mapping=PostgresUserPasswordProfileMapping(
            conn_id=CONN_ID, profile_args={"schema": "public", "threads": 4}
        ),
    )


def dbt_build_group(group_id: str = "dbt_build") -> DbtTaskGroup:
    """One `dbt build` of the whole project, and one Airflow task per seed, model and snapshot and one per
    model's tests that report what that build did to them; a failing dbt test fails its task.

    Cosmos' WATCHER mode: the producer task runs the build in one dbt process, pushing each node's result to
    XCom as it finishes; the other tasks are sensors that read it (no dbt process of their own). The sensors
    start once the producer has ended, whether it succeeded or failed: `airflow dags test` (`make run`) runs
    one task at a time, and a sensor started before the producer would wait for it for ever.
    """
    from airflow.task.trigger_rule import TriggerRule
    from cosmos import DbtTaskGroup, ExecutionConfig, ExecutionMode, LoadMode, ProjectConfig, RenderConfig, TestBehavior
    from cosmos import settings as cosmos_settings
    from cosmos.constants import PRODUCER_WATCHER_TASK_ID

    # Cosmos' [cosmos] enable_watcher_reliable_retry, read by the producer when it runs (in the process that
    # parsed this DAG): on, it rewrites every result pushed so far to an Airflow Variable at each push, which
    # took the sample's build from 29 s to 65 s. Off, that copy is written once, if the build fails, which is
    # all a cleared producer needs; a night is anyway run again whole.
    cosmos_settings.enable_watcher_reliable_retry = False

    if not DBT_MANIFEST.exists():
        raise FileNotFoundError(
            f"{DBT_MANIFEST} is missing: compile it with `make manifest` (dbt parse) before Airflow parses the DAGs"
        )
    group = DbtTaskGroup(
        group_id=group_id,
        # The project has no packages: no `dbt deps`, which would reach dbt's package hub.
        project_config=ProjectConfig(dbt_project_path=DBT_PROJECT, manifest_path=DBT_MANIFEST, install_dbt_deps=False),
        profile_config=profile_config(),
        execution_config=ExecutionConfig(execution_mode=ExecutionMode.WATCHER),
        # A sensor that finds no result yet (a node dbt did not run) asks again within seconds.
        operator_args={"poke_interval": 2},
        # WATCHER has no per-node `dbt build` task (TestBehavior.BUILD): each node's tests get a task of
        # their own, `<node>.test`, which fails when any of them failed, and what is built on the node waits
        # for it. A test between two models is not a task of its own: it counts for the model dbt puts it on.
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            test_behavior=TestBehavior.AFTER_EACH,
            should_detach_multiple_parents_tests=False,
        ),
    )
    producer = group.children[f"{group_id}.{PRODUCER_WATCHER_TASK_ID}"]
    producer.tests_per_model = _tests_on_their_own_node(producer.tests_per_model)
    for sensor in [task for task in group.get_roots() if task is not producer]:
        producer >> sensor
        # After a failed build too, so the tasks of the nodes that failed say so; not after a producer that
        # never ran (the raw gate failed): then they are skipped.
        sensor.trigger_rule = TriggerRule.ONE_DONE
    return group


def _tests_on_their_own_node(tests_per_model: dict[str, list[str]]) -> dict[str, list[str]]:
    """Which tests decide each `<node>.test` task: those dbt defines on that node.

    Cosmos counts a test between two models (relationships: fct_x.kode_wilayah to dim_wilayah) for both, and a
    test dbt skipped as a failure: after a failure in fct_x's branch, dim_wilayah's tests would fail too, and
    everything built on dim_wilayah with them. A test with no node of its own (on a source) stays as it was.
    """
    import json

    nodes = json.loads(DBT_MANIFEST.read_text(encoding="utf-8"))["nodes"]
    return {
        node: [test for test in tests if nodes.get(test, {}).get("attached_node") in (node, None)]
        for node, tests in tests_per_model.items()
    }


def dbt_var(name: str):
    """A var of `dbt_project.yml` (a threshold the marts apply), for the sentences that name it."""
    import yaml

    return yaml.safe_load((DBT_PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"][name]


def run_dbt(*args: str, target=None):
    """dbt in this process on dbt_project/, quietly, its files in `target` (default: dbt's own target/); dbt's
    result, or RuntimeError when it fails. The profile reads WAREHOUSE_*: run it inside `warehouse.dbt_env`."""
    from dbt.cli.main import dbtRunner

    paths = ["--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT)]
    result = dbtRunner().invoke([*args, *paths, *(["--target-path", str(target)] if target else []), "--quiet"])
    if not result.success:
        raise RuntimeError(f"dbt {' '.join(args)} failed: {result.exception or 'see its log'}")
    return result.result


def compile_manifest() -> None:
    """`dbt parse`: writes target/manifest.json, which the DAG renders from. Needs no database."""
    run_dbt("parse")


def publish_dbt_docs(target) -> None:
    """`dbt docs generate` against the warehouse, written beside the report as a static site.

    The catalog is read from the database the night just built, so the docs show the tables as they are.
    """
    import tempfile
    from pathlib import Path

    from inpres.storage import upload_tree
    from inpres.warehouse import dbt_env

    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as tmp, dbt_env():
        run_dbt("docs", "generate", "--static", target=tmp)
        # static_index.html carries manifest and catalog inside it: one file that opens from disk.
        site = Path(tmp) / "site"
        site.mkdir()
        (site / "index.html").write_bytes((Path(tmp) / "static_index.html").read_bytes())
        upload_tree(site, target)
