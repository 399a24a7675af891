"""``python -m plugins.maimai_archive.cli`` (the ``mai-archive`` script without installing)."""

import sys

from . import main

sys.exit(main())
