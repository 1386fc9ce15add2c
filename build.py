#!/usr/bin/env python3
"""Command line of the plan site generator: see `python build.py --help`."""
import sys

from plansite.cli import main

if __name__ == "__main__":
    sys.exit(main())
