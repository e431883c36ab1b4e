"""expect: an expectation ledger for consultants."""

__version__ = "0.1.0"
