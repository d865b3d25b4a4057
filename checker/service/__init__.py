"""The self-check service for a whole region (`jxcheck serve --data DIR`): units, accounts, every check of
every filing kept, the 绩效科's review desk and an audit log, in SQLite (DIR/jxcheck.sqlite) or PostgreSQL.

Layers: `models` (tables), `db` (engine, sessions, migrations), `accounts` (units, people, passwords),
`history` (a re-check against the last one), `audit` (who did what)."""

ROLES = ("unit", "desk", "admin")  # a unit's clerk, the 绩效科 (sees every unit), the administrator
