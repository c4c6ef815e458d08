"""The ``samen`` command."""
