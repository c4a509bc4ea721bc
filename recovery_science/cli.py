"""The course's command-line tool (``recovery-science``); subcommands are added in later steps."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="recovery-science", description="Recovery Science course tools.")
    parser.parse_args(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
