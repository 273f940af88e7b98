"""What an import reports: problems by line and column, the errors that stop it, its summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.services.errors import ServiceError

# Enough to fix a file by; a file with more problems than this has a systematic fault.
MAX_REPORTED = 1_000


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong (or, for a conflict, different) in the file, with its line and column."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column is None:
            return f"line {self.line}: {self.message}"
        return f"line {self.line}: column {self.column}: {self.message}"


class ImportFileUnreadable(ServiceError):
    """The file as a whole cannot be imported: too big, not UTF-8 text, or a bad header."""

    def __init__(self, problems: Sequence[RowProblem | str]) -> None:
        self.problems = [str(problem) for problem in problems]
        super().__init__("\n".join(self.problems))


class ImportRowsInvalid(ServiceError):
    """Some rows are invalid and --skip-invalid was not given, so nothing was imported."""

    def __init__(
        self, problems: Sequence[RowProblem], problem_count: int, invalid_rows: int
    ) -> None:
        self.problems = list(problems)
        self.problem_count = problem_count
        self.invalid_rows = invalid_rows
        super().__init__(f"{invalid_rows} rows have problems; nothing was imported")


class ImportFileChanged(ServiceError):
    """The file changed between the check and the import; what was imported is all valid."""


@dataclass
class ImportSummary:
    """What an import did (or, on a dry run, would do)."""

    rows: int = 0
    imported: int = 0
    already_present: int = 0
    invalid_skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    problem_count: int = 0
    conflicts: list[RowProblem] = field(default_factory=list)
    conflict_count: int = 0
    dry_run: bool = False

    def add_problems(self, problems: Sequence[RowProblem]) -> None:
        self.problem_count += len(problems)
        room = MAX_REPORTED - len(self.problems)
        self.problems.extend(problems[: max(room, 0)])

    def add_conflict(self, conflict: RowProblem) -> None:
        self.conflict_count += 1
        if len(self.conflicts) < MAX_REPORTED:
            self.conflicts.append(conflict)
