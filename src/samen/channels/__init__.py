"""Channels: each turns its wire format into messages on the one road, and answers back out."""
