import sys

from kuaizhao.cli.main import main

sys.exit(main())
