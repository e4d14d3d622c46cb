"""Synthetic submissions for benchmarks, load tests and the bundled sample inbox.

`python -m inpres.generate --out DIR` writes a national inbox (see national.py); writer.py writes single
submissions as template v1 lays them out; broken.py makes one broken submission per rejection reason.
"""

from inpres.generate.broken import BROKEN_KINDS, make_broken
from inpres.generate.national import Entry, Manifest, generate
from inpres.generate.writer import Submission, write_bpjs_extract, write_csv, write_xlsx

__all__ = [
    "BROKEN_KINDS",
    "Entry",
    "Manifest",
    "Submission",
    "generate",
    "make_broken",
    "write_bpjs_extract",
    "write_csv",
    "write_xlsx",
]
