"""Facts: what the rules see of a filing. See `checker.facts.schema` for every kind and field."""
