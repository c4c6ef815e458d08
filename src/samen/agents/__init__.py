"""People: agents, presence, capacity, assignment, live assist and corrections."""
