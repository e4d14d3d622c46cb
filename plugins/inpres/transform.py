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

    # dbt reads the same Airflow connection as everything else; its own objects go to named schemas.
    return ProfileConfig(
        profile_name="inpres",
        target_name="airflow",
        profile_mapping=PostgresUserPasswordProfileMapping(conn_id=CONN_ID, profile_args={"schema": "public"}),
    )


def dbt_build_group(group_id: str = "dbt_build") -> DbtTaskGroup:
    """Seeds, models and their tests as Airflow tasks; a failing dbt test fails its task."""
    from cosmos import DbtTaskGroup, LoadMode, ProjectConfig, RenderConfig, TestBehavior

    if not DBT_MANIFEST.exists():
        raise FileNotFoundError(
            f"{DBT_MANIFEST} is missing: compile it with `make manifest` (dbt parse) before Airflow parses the DAGs"
        )
    return DbtTaskGroup(
        group_id=group_id,
        # The project has no packages: no `dbt deps`, which would reach dbt's package hub.
        project_config=ProjectConfig(dbt_project_path=DBT_PROJECT, manifest_path=DBT_MANIFEST,
                                     install_dbt_deps=False),
        profile_config=profile_config(),
        # A test between two models (relationships) runs once both are built, not after the first.
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.BUILD,
                                   should_detach_multiple_parents_tests=True),
    )


def dbt_var(name: str):
    """A var of `dbt_project.yml` (a threshold the marts apply), for the sentences that name it."""
    import yaml

    return yaml.safe_load((DBT_PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"][name]


def compile_manifest() -> None:
    """`dbt parse`: writes target/manifest.json, which the DAG renders from. Needs no database."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        ["parse", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT), "--quiet"]
    )
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")


def publish_dbt_docs(target) -> None:
    """`dbt docs generate` against the warehouse, written beside the report as a static site.

    The catalog is read from the database the night just built, so the docs show the tables as they are.
    """
    import tempfile
    from pathlib import Path

    from dbt.cli.main import dbtRunner

    from inpres.storage import upload_tree
    from inpres.warehouse import dbt_env

    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as tmp, dbt_env():
        result = dbtRunner().invoke(["docs", "generate", "--static", "--project-dir", str(DBT_PROJECT),
                                     "--profiles-dir", str(DBT_PROJECT), "--target-path", tmp, "--quiet"])
        if not result.success:
            raise RuntimeError(f"dbt docs generate failed: {result.exception}")
        # static_index.html carries manifest and catalog inside it: one file that opens from disk.
        site = Path(tmp) / "site"
        site.mkdir()
        (site / "index.html").write_bytes((Path(tmp) / "static_index.html").read_bytes())
        upload_tree(site, target)
