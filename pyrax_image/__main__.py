"""``python -m pyrax_image``: the ``pyrax-image`` command line."""

import sys

from pyrax_image.cli import main

sys.exit(main())
