"""Personal data kept out of everything the product writes: logs, messages, file names, reports.

A NIK (and a KK number) is 16 digits. Regional officers type them where they do not belong: in a count
or an amount column, in a free-text cell, in a file's name. Excel shows them as numbers
(`3171234567890123.0`), with a leading apostrophe, or split in groups (`3171 2345 6789 0123`). UU 27/2022
forbids repeating them in clear, so every text that quotes a value or a file name goes through
`mask_nik` before it is stored, logged or returned.
"""

from __future__ import annotations

import re

# Digits, possibly in groups joined by one space, dot or hyphen: "3171234567890123", "3171 2345 6789 0123",
# "3.171234567890123" (scientific notation's mantissa), "3171234567890123.00".
_RUN = re.compile(r"\d+(?:[ .\-]\d+)*")
_DIGITS = re.compile(r"\d+")
NIK_DIGITS = 16


def mask_nik(text: str) -> str:
    """Every NIK-shaped run of digits in `text`, as `3171********0123` (first and last four kept)."""
    return _RUN.sub(_mask_run, text)


def _mask_run(match: re.Match) -> str:
    run = match.group()
    groups = _DIGITS.findall(run)
    if sum(len(g) for g in groups) == NIK_DIGITS:
        # A NIK written in groups (or a float's mantissa): the whole run is the number.
        return _masked("".join(groups))
    # Otherwise only an unbroken group as long as a NIK or longer is one ("3171234567890123.0",
    # "3171234567890123-2022-10.xlsx"); the rest of the run is kept.
    return _DIGITS.sub(lambda g: _masked(g.group()) if len(g.group()) >= NIK_DIGITS else g.group(), run)


def _masked(digits: str) -> str:
    return f"{digits[:4]}{'*' * (len(digits) - 8)}{digits[-4:]}"


def has_nik(text: str) -> bool:
    """Whether `text` still carries a NIK in clear (16 digits in a row, or written in groups)."""
    return mask_nik(text) != text
