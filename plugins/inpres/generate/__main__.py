"""python -m inpres.generate --out DIR [--from YYYY-MM --to YYYY-MM --seed N --scale X --missing F --late F
--revised F --broken F --skip-broken KIND,... --formats xlsx,csv --peserta [--peserta-scale X] --no-progress]"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from inpres.generate.national import generate, restore_arrival


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m inpres.generate",
        description="Write a synthetic Inpres 2/2021 inbox (all 552 pelapor × months).",
    )
    parser.add_argument("--out", type=Path, help="the inbox to write into")
    parser.add_argument(
        "--restore-times",
        type=Path,
        metavar="INBOX",
        help="only give the files of a generated inbox their arrival times back (after a git clone)",
    )
    parser.add_argument("--from", dest="start", default="2022-01", help="first month, YYYY-MM")
    parser.add_argument("--to", dest="end", default="2022-12", help="last month, YYYY-MM")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 552 pelapor (1.0 = all)")
    parser.add_argument(
        "--missing", type=float, default=0.0, help="share of pelapor-months never sent (the manifest lists them)"
    )
    parser.add_argument("--late", type=float, default=0.05, help="share of submissions signed after the 10th")
    parser.add_argument("--revised", type=float, default=0.03, help="share sent twice, the second one the truth")
    parser.add_argument("--broken", type=float, default=0.02, help="share that breaks the template")
    parser.add_argument(
        "--skip-broken", default="", metavar="KIND,...", help="broken kinds not to make, e.g. zip_bomb,oversized"
    )
    parser.add_argument("--formats", default="xlsx,csv", help="xlsx, csv or both")
    parser.add_argument(
        "--peserta",
        action="store_true",
        help="add participant lists (template v1.1) and BPJS's per-participant extracts, pseudonymised with "
        "INPRES_NIK_KEY (or, when no key is configured, the local one make run uses)",
    )
    parser.add_argument(
        "--peserta-scale", type=float, default=0.01, help="persons listed per terlindungi (0.01: one per hundred)"
    )
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.restore_times:
        print(f"{restore_arrival(args.restore_times)} arrival times restored in {args.restore_times}")
        return
    if not args.out:
        parser.error("--out is required")

    formats = tuple(f.strip() for f in args.formats.split(","))
    began = time.perf_counter()
    manifest = generate(
        args.out,
        start=args.start,
        end=args.end,
        seed=args.seed,
        scale=args.scale,
        late=args.late,
        revised=args.revised,
        broken=args.broken,
        missing=args.missing,
        skip_broken=tuple(k.strip() for k in args.skip_broken.split(",") if k.strip()),
        formats=formats,
        progress=not args.no_progress,
        peserta=args.peserta_scale if args.peserta else None,
        nik_key=_nik_key() if args.peserta else None,
    )
    seconds = time.perf_counter() - began
    stats = [(args.out / e.path).stat() for e in manifest.files]
    apparent = sum(s.st_size for s in stats)
    on_disk = sum(s.st_blocks * 512 for s in stats)  # the oversized kind is sparse
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(manifest.counts().items()))
    print(
        f"{len(manifest.files)} files ({kinds}), {len(manifest.missing)} pelapor-months missing; "
        f"{apparent / 1e6:.1f} MB ({on_disk / 1e6:.1f} MB on disk); {seconds:.1f} s -> {args.out}"
    )


def _nik_key() -> bytes:
    """The key intake will use: the configured one, else the local one `make run` would make and use."""
    from inpres.ingest import pseudonym
    from inpres.run import local_nik_key

    local_nik_key()
    return pseudonym.nik_key()


if __name__ == "__main__":
    main()
