"""Rotating the NIK key: every participant list re-read from the inbox with the new key, into the same rows.

An HMAC cannot be re-keyed from the old pseudonym: only the NIK gives the new one, and the warehouse holds
no NIK. The inbox still holds the files (it is only read, never emptied), so each list not yet made with the
new key (raw.peserta_kunci) is read again, its bytes checked against the hash it was loaded with, and its
rows replaced in one transaction per submission: a rotation stopped half-way is resumed by running it again.
A list whose file left the inbox keeps its old pseudonyms and is named; BPJS's extracts are BPJS's to send
again with the new key.

    INPRES_NIK_KEY=<new key> python -m inpres.ingest.rotate
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from dataclasses import dataclass, field

from inpres import settings
from inpres.ingest import contract, inbox, peserta, pseudonym

log = logging.getLogger(__name__)


@dataclass
class Rotation:
    rekeyed: int = 0
    rows: int = 0
    seconds: float = 0.0
    # The (masked) file names of lists whose file is no longer in the inbox as it was loaded.
    missing: list[str] = field(default_factory=list)


class RotationFailed(RuntimeError):
    pass


def rotate(conn, folder=None) -> Rotation:
    """Re-key every list not made with the current key; the key comes from where intake reads it."""
    key = pseudonym.nik_key()
    sidik = pseudonym.sidik(key)
    folder = folder or settings.inbox()
    inbox._own_transactions(conn)
    began = time.perf_counter()
    todo = conn.execute(
        """select s.submission_id, s.file_name, s.sha256, s.pelapor, s.periode
           from raw.peserta_kunci k join raw.submission s using (submission_id)
           where k.sidik <> %s order by s.submission_id""",
        (sidik,),
    ).fetchall()
    deliveries = {d.name: d for d in inbox.find_deliveries(folder, inbox.LAPORAN)} if todo else {}
    result = Rotation()
    for submission_id, name, sha256, pelapor, periode in todo:
        delivery = deliveries.get(name)
        paths = inbox._real_paths(delivery.files)[0] if delivery else []
        if not paths or inbox._content_hash(paths) != sha256:
            result.missing.append(name)
            continue
        with conn.transaction(), contextlib.ExitStack() as streams:
            reasons = contract.Reasons()
            staged = peserta.stage(conn, inbox._sheets(delivery, paths, streams)["peserta"], reasons, key)
            [held] = conn.execute(
                "select count(*) from raw.peserta where submission_id = %s", (submission_id,)
            ).fetchone()
            if reasons or staged != held:
                raise RotationFailed(f"{name} no longer reads as it was loaded ({staged} rows, {held} held)")
            conn.execute("delete from raw.peserta where submission_id = %s", (submission_id,))
            result.rows += peserta.insert(conn, submission_id, key)
        result.rekeyed += 1
        log.info("re-keyed the list of %s (%s, %s)", name, pelapor, periode)
    result.seconds = time.perf_counter() - began
    return result


def main() -> int:
    from inpres.warehouse import connect, ensure_schemas, local_warehouse

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with local_warehouse() as url:
        ensure_schemas(url)
        with connect(url) as conn:
            result = rotate(conn)
    print(f"{result.rekeyed} lists re-keyed ({result.rows} rows) in {result.seconds:.1f} s")
    if result.missing:
        print(
            f"{len(result.missing)} lists keep the old key: their file is not in the inbox as loaded: "
            + ", ".join(result.missing)
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
