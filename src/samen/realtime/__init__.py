"""Live events fan-out: a small pub/sub port with in-process and Redis backends."""
