"""Points of the window assessment go in steps of half a point, in every field."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def is_half_point(value: Decimal) -> bool:
    doubled = Decimal(value) * 2
    return doubled == doubled.to_integral_value()


def validate_half_points(value: Decimal | None) -> None:
    """A model and form field validator: 1, -0.5 and 13.5 pass; 0.3 does not."""
    if value is not None and not is_half_point(value):
        raise ValidationError(_("Points go in steps of 0.5."), code="half_points")
