"""Planning: natural language to PDDL, solved by unified-planning engines."""
