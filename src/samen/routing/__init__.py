"""Routing: the tenant's policy (a YAML file), the engine that applies it, and its explanations."""
