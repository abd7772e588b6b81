"""`python -m beatgen` is the same as the `beatgen` command."""

from beatgen.cli import run

run()
