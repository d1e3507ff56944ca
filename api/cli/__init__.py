"""The ``claimscope`` command: ingest, match, claim, check, delete, serve, keys, export.

Every command reads the same settings as the server (``CLAIMSCOPE_*``) and calls the same
plain-Python functions as the API. Errors print one line to stderr and exit non-zero, never a
traceback (``CLIGroup.main``). Data is printed as text, never read as rich markup or emoji codes
(``api.render.console``). Imports of the heavy packages (SQLAlchemy, the pipeline, the index)
are inside the commands so that ``claimscope --help`` starts fast (see bench/RESULTS.md).

Modules: ``frame`` (readable help, one-line errors, markup-free consoles), ``root`` (the app
and shared helpers), ``ingest``, ``read`` (match, claim, check), ``admin`` (delete, serve, keys,
webhooks, fact-checks, export, the index snapshot).

May import: everything below it (it is on top, beside the HTTP app).
"""

from __future__ import annotations

from api.cli import admin, ingest, read  # noqa: F401  (importing a module registers its commands)
from api.cli.root import DEMO_DIR, app

__all__ = ["DEMO_DIR", "app", "main"]


def main() -> None:
    app()


if __name__ == "__main__":
    main()
