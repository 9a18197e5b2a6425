"""The program rules as pure functions of site facts (DESIGN.md §4).

``evaluate(facts, context)`` runs every registered rule and returns a report. Each rule lives in
``program.py`` as its own small function registered with ``@rule``; adding one touches no other.
"""

from . import program  # noqa: F401  (registers the program's rules)
from .engine import (
    CheckContext,
    Outcome,
    Report,
    RuleMessage,
    RuleResult,
    SiteFacts,
    evaluate,
    registered_codes,
    rule,
    rule_title,
)

__all__ = [
    "CheckContext",
    "Outcome",
    "Report",
    "RuleMessage",
    "RuleResult",
    "SiteFacts",
    "evaluate",
    "registered_codes",
    "rule",
    "rule_title",
]
