"""Claims, follow-ups, households, collisions and disputes (R-3, R-4, R-5)."""
