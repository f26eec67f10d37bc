"""The problems and warnings collected while reading one workbook.

Every rule is checked and every problem kept, so that the consultant fixes the
whole workbook in one go; :meth:`Findings.fail` raises them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

from pipeline.errors import Problem, WorkbookError


@dataclass
class Findings:
    """What the reading of the workbook named ``source`` found wrong so far."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    invalid_fields: set[str] = field(default_factory=set)  # Mission fields already reported

    def fail(self, *extra: Problem) -> NoReturn:
        raise WorkbookError(self.source, [*self.problems, *extra])
