"""Samen: self-hosted hybrid customer service."""

__version__ = "0.1.0"
