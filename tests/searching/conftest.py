"""Lets the tests of this folder import the offers of nc_offers.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
