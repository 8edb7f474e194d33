from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import ngettext_lazy

from departments.throttle import client_address, login_attempt_start, login_attempt_succeeded


class ThrottledLoginMixin:
    """A login form that asks the login throttle before it checks the password.

    While the user name or the address has to wait, the form is refused with the wait and
    the password is not checked at all, so a refusal says nothing about the password. The
    user name's length is enforced before anything is recorded (AuthenticationForm only
    sets max_length on the field for the HTML attribute).
    """

    throttled_message = ngettext_lazy(
        "Too many login attempts. Please try again in %(seconds)d second.",
        "Too many login attempts. Please try again in %(seconds)d seconds.",
        "seconds",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()  # nothing to check: the field errors say what is missing
        wait = login_attempt_start(username=username, address=client_address(self.request))
        if wait:
            raise ValidationError(
                self.throttled_message, code="throttled", params={"seconds": wait}
            )
        try:
            return super().clean()
        finally:
            # Right password (even for an account that may not log in here): not a failure.
            if self.user_cache is not None:
                login_attempt_succeeded(username=username)


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The site's login form."""


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login form (departments/admin.py sets it on the admin site)."""
