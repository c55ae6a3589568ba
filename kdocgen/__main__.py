"""``python -m kdocgen``."""

import sys

from .cli import main

sys.exit(main())
