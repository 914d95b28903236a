"""Use-cases: one write transaction each, over tables and domain rules."""
