"""Rules of this area (to be filled)."""

RULES = ()
