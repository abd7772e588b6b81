"""`python -m beatgen` is the same as the `beatgen` command."""

import sys

from beatgen.cli import main

sys.exit(main())
