"""The drop folder: ``amoor watch`` serves the workbooks dropped into ``inbox/``.

The same :func:`pipeline.build.build` as ``amoor build``, fed by a resident
process that consultants can forget is there::

    watchdog events ─┐                       ┌─ worker 1 (its own LibreOffice) ─┐
    start-up scan ───┼─▶ inbox.Settling ──▶ queue                              ├─▶ Outcome
    periodic rescan ─┘   (stable, zip opens)  └─ worker N ────────────────────────┘

- :mod:`.inbox`: which names are someone else's (Excel's owner and temp
  files, LibreOffice locks, sync clients' states), when a file is complete,
  and moves that never overwrite;
- :mod:`.processed`: the workspace's memory of the contents already
  processed (SQLite, ``.amoor/depot.sqlite3``) and the journal ``amoor
  statut`` reads;
- :mod:`.handling`: one file: exactly once per content, the build, then where
  the workbook goes (``inbox/traités/``, or ``inbox/erreurs/`` with its French
  report);
- :mod:`.watcher`: the threads (observer, its supervisor, the workers) and
  the stop after the current file;
- :mod:`.wording`: the French lines of the log and of ``amoor statut``.

Nothing here prints: the watcher reports each :class:`~.handling.Outcome` to a
callback, and ``pipeline/cli/`` writes the lines.
"""
