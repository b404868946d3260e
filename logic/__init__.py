"""Logic: natural language to first-order logic and constraints, decided by Z3."""
