from django import template

from scoring.models import format_score

register = template.Library()


@register.filter
def score(value) -> str:
    """Print a score as the table does: 100, 13.5, -2."""
    return format_score(value)
