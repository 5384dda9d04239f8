"""`python -m services.registry`: see `cli.py`."""

import sys

from services.registry.cli import main

if __name__ == "__main__":
    sys.exit(main())
