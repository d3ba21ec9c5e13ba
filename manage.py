#!/usr/bin/env python
"""Same as the `angsur` console script."""

from angsur.cli import main

if __name__ == "__main__":
    main()
