from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form with the user name's length enforced before authenticating.

    AuthenticationForm only sets max_length on the field (for the HTML attribute), so an
    over-long name reached authenticate() and django-axes' record of failed logins,
    whose column it overflowed on PostgreSQL.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
