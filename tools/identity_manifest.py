"""The stored digest of the sample site's output: tests/fixtures/identity/sample.sha256 (`sha256sum` lines).

The sample site (content/, data/, layouts/, static/, site.yaml) is copied to a temporary folder and built
there by `beatgen build --jobs 1 --no-cache` on the tests' fixed clock; tests/test_identity.py holds every
later build to these bytes.

    .venv/bin/python tools/identity_manifest.py           # build, and list what differs from the manifest
    .venv/bin/python tools/identity_manifest.py --write   # build, and store the manifest (output meant to change)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from identitykit import (  # noqa: E402 - the tests' own helpers, so that both build the same way
    MANIFEST,
    REPO,
    clean_build,
    copy_inputs,
    digests,
    manifest_differences,
    manifest_text,
    read_manifest,
)


def sample_digests() -> dict[str, str]:
    with tempfile.TemporaryDirectory() as work:
        site = copy_inputs(REPO, Path(work) / "site")
        return digests(clean_build(site, Path(work) / "public"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="store the manifest instead of comparing with it")
    args = parser.parse_args()
    found = sample_digests()
    if args.write:
        MANIFEST.parent.mkdir(parents=True, exist_ok=True)
        MANIFEST.write_text(manifest_text(found))
        print(f"{MANIFEST.relative_to(REPO)}: {len(found)} files")
        return 0
    problems = manifest_differences(found, read_manifest())
    print(problems or f"the sample site's {len(found)} output files have the stored bytes")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
