"""The ``amoor`` command: the only package that prints and exits.

Commands are a few lines each: they translate arguments into calls of the
core and the core's errors (:class:`~pipeline.errors.AmoorError`, French
already) into messages and exit codes. Help and usage errors are in French.
``app`` holds the group and what the commands share; each other module holds
the commands of one area, registered on the group when this package is imported.
"""

from pipeline.cli import commands, invoices, payments, rebuilding, watching
from pipeline.cli.app import cli, current_day, main

__all__ = [
    "cli",
    "commands",
    "current_day",
    "invoices",
    "main",
    "payments",
    "rebuilding",
    "watching",
]
