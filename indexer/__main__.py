"""`python -m indexer`: the same command line as `offres`."""

import sys

from indexer.cli import main

sys.exit(main())
