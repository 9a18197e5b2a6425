from django import template

from eligibility.rules import rule_title as _rule_title

register = template.Library()


@register.filter
def rule_title(code: str) -> str:
    """The plain-language name of a rule: {{ "PANEL_MAX_200A"|rule_title }}."""
    return _rule_title(code)
