"""relance: chase unpaid invoices by phone, from a terminal."""

__version__ = "0.1.0"
