#!/usr/bin/env python3
"""Command line of the plan site generator: see `python build.py --help`."""
import gc
import sys

from plansite.cli import main

if __name__ == "__main__":
    status = main()
    gc.freeze()   # the process ends here: its last collection need not walk the whole site (0.5 s at 1,000 plans)
    sys.exit(status)
