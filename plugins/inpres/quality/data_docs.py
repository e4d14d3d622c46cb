"""GX's Data Docs as a site that opens offline and says what our gates mean.

GX's page templates load Bootstrap, jQuery, Popper, bootstrap-table, the datepicker, Font Awesome and Vega
from CDNs, and the logo from GX's S3 bucket with the data context's id in the address. Offline the pages are
unstyled and the index is empty (bootstrap-table fills it in). The installed great_expectations package
carries only its images, fonts and own stylesheet, so the same versions of those libraries are vendored in
`data_docs_static/` (from npm; Popper's and Bootstrap's files have the sha384 GX's templates pin), copied
into each site, and every page points at them. Vega is left out: no expectation of ours draws a chart.

GX calls a validation with any failed expectation "Failed". A gate whose failures are all warnings passed:
its pages say "Passed with warnings", and each failed warning-level rule carries a warning sign, not a cross.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

VENDOR = Path(__file__).with_name("data_docs_static")
# Where the vendored files go inside a site, beside GX's own static/images, static/fonts, static/styles.
SITE_VENDOR = "static/vendor"

# Each address GX's templates load → the vendored file(s) in its place; [] drops the tag.
CDN = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": ["bootstrap-4.3.1/bootstrap.min.css"],
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": ["bootstrap-4.3.1/bootstrap.min.js"],
    "https://code.jquery.com/jquery-3.7.1.min.js": ["jquery-3.7.1/jquery.min.js"],
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": ["popper.js-1.12.9/popper.min.js"],
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": [
        "bootstrap-table-1.19.1/bootstrap-table.min.css"
    ],
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": [
        "bootstrap-table-1.19.1/bootstrap-table.min.js"
    ],
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": [
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.js"
    ],
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": [
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.css"
    ],
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": [
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.css"
    ],
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": [
        "bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.css"
    ],
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": [
        "bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.js"
    ],
    # GX's pages use only the solid icons.
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": [
        "fontawesome-free-6.6.0/css/fontawesome.min.css",
        "fontawesome-free-6.6.0/css/solid.min.css",
    ],
    # An optional dark theme, and the chart libraries no page of ours uses.
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": [],
    "https://cdn.jsdelivr.net/npm/vega@5": [],
    "https://cdn.jsdelivr.net/npm/vega-lite@5": [],
    "https://cdn.jsdelivr.net/npm/vega-embed@6": [],
}
REMOTE_TAG = re.compile(r'<(script|link)\b[^>]*?\b(?:src|href)="(https?://[^"]+)"[^>]*>(?:\s*</script>)?')
GX_IMAGES = re.compile(r'"(?:\.{1,2}/)*static/images/')
GX_ASSETS = re.compile(r'https://great-expectations-web-assets\.s3\.[\w.-]+\.amazonaws\.com/([\w.-]+\.png)[^"\'()\s]*')

FAILED_ICON = "fas fa-times text-danger"
WARNING_ICON = "fas fa-exclamation-triangle text-warning"
PASSED_WITH_WARNINGS = "Passed with warnings"


def make_offline(site: Path) -> None:
    """Copy the vendored libraries into `site` and point every page at them and at GX's own images."""
    shutil.copytree(VENDOR, site / SITE_VENDOR, dirs_exist_ok=True)
    for page in site.rglob("*.html"):
        root = Path(os.path.relpath(site, page.parent)).as_posix()
        html = page.read_text(encoding="utf-8")
        html = REMOTE_TAG.sub(lambda tag, root=root: _local_tags(tag, root), html)
        html = GX_ASSETS.sub(lambda image, root=root: f"{root}/static/images/{_image(site, image[1])}", html)
        # GX's validation pages climb one folder too few to the favicon.
        html = GX_IMAGES.sub(f'"{root}/static/images/', html)
        page.write_text(html, encoding="utf-8")


def _image(site: Path, name: str) -> str:
    """GX's own copy of an image it loads from S3; its logo for those the package does not carry."""
    return name if (site / "static" / "images" / name).is_file() else "logo-long.png"


def _local_tags(tag: re.Match, root: str) -> str:
    files = CDN.get(tag[2])
    if files is None:
        # A GX upgrade naming a new CDN: the page still works online; tests/quality/test_data_docs.py says so.
        log.warning("Data Docs load %s, which is not vendored: that page needs the internet", tag[2])
        return tag[0]
    return "".join(
        f'<link rel="stylesheet" href="{root}/{SITE_VENDOR}/{f}">'
        if f.endswith(".css")
        else f'<script src="{root}/{SITE_VENDOR}/{f}"></script>'
        for f in files
    )


def mark_passed_with_warnings(site: Path, warning_label: str) -> None:
    """The gate passed, its failures are warnings: say so where GX says "Failed", and mark each failed rule
    whose description carries `warning_label` with a warning sign."""
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # The validation page's header: "Status: ✗ Failed".
        html = re.sub(
            rf'<i class="{FAILED_ICON}"([^>]*)></i>\s*Failed\b',
            rf'<i class="{WARNING_ICON}"\1></i> {PASSED_WITH_WARNINGS}',
            html,
        )
        # The index's row for the run (one validation per site): its icon and the text its filter shows.
        html = html.replace(f"{FAILED_ICON} ge-failed-icon", f"{WARNING_ICON} ge-failed-icon")
        html = html.replace(
            "'_validation_success_text': 'Failed'", f"'_validation_success_text': '{PASSED_WITH_WARNINGS}'"
        )
        # Each failed warning-level rule's row.
        html = re.sub(
            r"<tr\b.*?</tr>",
            lambda row: row[0].replace(FAILED_ICON, WARNING_ICON) if warning_label in row[0] else row[0],
            html,
            flags=re.S,
        )
        page.write_text(html, encoding="utf-8")
