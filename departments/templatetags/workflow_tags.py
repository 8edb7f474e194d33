"""Templates ask the model what a user may do, never which state it is in:

{% with may=objection|allowed:user %}{% if may.uphold %}…{% endif %}{% endwith %}
"""

from django import template

register = template.Library()


@register.filter
def allowed(obj, user) -> dict[str, bool]:
    """Every step of `obj`'s TRANSITIONS table and whether `user` may take it now."""
    return obj.allowed(user)
