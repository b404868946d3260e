"""Knowledge graphs: EFO-1 queries answered by fuzzy link prediction."""
