import sys

from qadam.cli import main

sys.exit(main())
