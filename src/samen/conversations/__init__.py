"""Customers, conversations, messages and the timeline; the service that writes them."""
