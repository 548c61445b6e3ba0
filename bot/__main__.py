"""`python -m bot`: the same as the `coachbot` command."""

import sys

from bot.cli import main

sys.exit(main())
