"""Performance tests: query budgets, several instances on one PostgreSQL, migrations."""
