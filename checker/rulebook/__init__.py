"""The rule book: rule packs (YAML) loaded, checked against the fact schema and the engine's limits,
compiled once, and selected. See docs/rules.md for the bundled rules and README for writing a pack."""

from checker.rulebook.load import bundled_rules_dir, check_rule, load_rule_file, load_rules, template_names
from checker.rulebook.model import EvidenceSpec, Example, Rule, RuleError, example_lines
from checker.rulebook.select import category_named, select_rules, selects, severity_for, unknown_name

__all__ = ["category_named", "unknown_name", "EvidenceSpec", "Example", "Rule", "RuleError", "bundled_rules_dir", "check_rule", "example_lines",
           "load_rule_file", "load_rules", "select_rules", "selects", "severity_for", "template_names"]
