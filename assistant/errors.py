"""Errors a user can cause. The CLI turns each into one sentence and exit status 2."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: the message is one plain sentence saying what is wrong and what to do."""


class PlaybookError(AssistantError):
    """A playbook file is missing, unreadable or invalid."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems
        """Every problem found, each prefixed with file and field path."""


class UnknownPlaybook(AssistantError):
    """No shipped or user playbook has that id, and it is not a file path."""


class IntentsError(AssistantError):
    """An intents file is missing or invalid."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class UnknownChild(AssistantError):
    """No child of that name has been seen."""


class StoreError(AssistantError):
    """The database cannot be read or written; it is never overwritten."""


class InputError(AssistantError):
    """The chosen input (script file, keyboard, microphone) cannot be used."""
