"""Rule families, one module each; every module exposes check(facts) -> list[Check]."""
