"""Exceptions that mean "cannot continue" (never "the intent has problems": those are findings).

    AksnetError                base; carries the process exit code
     +-- IntentUnreadable (2)  a file could not be read as an intent (I/O, YAML, shape): findings
     +-- OutputConflict (3)    render --out DIR holds files aksnet did not write, without --force
     +-- AzureAccessError (2)  no subscription or credential; an endpoint we refuse a token to
     +-- ProvisionFailed (1)   a resource could not be created: the resource ref and Azure's code

The CLI turns any of these into a message on stderr and the exit code; `--debug` re-raises.
"""

from __future__ import annotations


class AksnetError(Exception):
    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IntentUnreadable(AksnetError):
    exit_code = 2

    def __init__(self, message: str, findings: tuple = ()):
        super().__init__(message)
        self.findings = findings


class OutputConflict(AksnetError):
    exit_code = 3

    def __init__(self, message: str, paths: tuple[str, ...] = ()):
        super().__init__(message)
        self.paths = paths


class AzureAccessError(AksnetError):
    exit_code = 2


class ProvisionFailed(AksnetError):
    exit_code = 1

    def __init__(self, message: str, ref: str = "", code: str = ""):
        super().__init__(message)
        self.ref = ref
        self.code = code
