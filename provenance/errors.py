"""Errors the library raises and the exit codes the CLI maps them to.

Library code raises ProvenanceError subclasses; only the CLI turns them into
one-line messages and exit codes (see README, "Exit codes").
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # done; no --fail-on finding
    FINDINGS = 1  # --fail-on altered|invented and such statements exist
    USAGE = 2  # bad flags or bad input (missing, empty, binary, too large ...)
    SOURCE_UNAVAILABLE = 3  # the source could not be retrieved: all statements unverifiable
    INTERNAL = 70  # a bug: please report it
    INTERRUPTED = 130  # Ctrl-C


class ProvenanceError(Exception):
    """Base class: ``str(err)`` is a one-line message for the user."""

    exit_code: ExitCode = ExitCode.INTERNAL


class InputError(ProvenanceError):
    """Unreadable, empty, binary or oversized input."""

    exit_code = ExitCode.USAGE


class ModelError(ProvenanceError):
    """A model's files are missing or broken."""

    exit_code = ExitCode.INTERNAL


class RetrievalError(ProvenanceError):
    """The source could not be retrieved."""

    exit_code = ExitCode.SOURCE_UNAVAILABLE
