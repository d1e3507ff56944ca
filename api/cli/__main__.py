"""``python -m api.cli``: the same as the ``claimscope`` command."""

from api.cli import main

main()
