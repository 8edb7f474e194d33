from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def next_display_order(self) -> int:
        """A place after every existing department (for ones added on the fly)."""
        return (self.aggregate(m=models.Max("display_order"))["m"] or 0) + 10


class Department(models.Model):
    """A provincial department stationed in the hall with its own service window."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(
        _("short name"), max_length=30, blank=True, help_text=_("Used in tight tables and lists.")
    )
    display_order = models.PositiveIntegerField(
        _("display order"),
        default=1000,
        help_text=_("Official order in lists and tables; smaller comes first."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        STAFF = "staff", _("department staff")
        EDITOR = "editor", _("editor")
        APPROVER = "approver", _("approver")
        SCORER = "scorer", _("scorer")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Required for department staff: they work for this department only."),
    )
    email_notices = models.BooleanField(
        _("notices by e-mail"),
        default=True,
        help_text=_("Also send every notice to the user's e-mail address, if there is one."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["staff", "editor", "approver", "scorer"]),
                name="user_role_valid",
            ),
            models.CheckConstraint(
                condition=~Q(role="staff") | Q(department__isnull=False) | Q(is_superuser=True),
                name="user_staff_has_department",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == self.Role.STAFF and not self.department_id and not self.is_superuser:
            raise ValidationError(
                {"department": _("Department staff must belong to a department.")}
            )

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username

    def set_email_notices(self, on: bool) -> None:
        """The user's own e-mail switch: notices in the app always, by e-mail if on."""
        self.email_notices = on
        self.save(update_fields=["email_notices"])

    def has_role(self, *roles: str) -> bool:
        """One of `roles` (User.Role values). Administrators have every role but the
        department staff's: they belong to no department."""
        if self.is_superuser:
            return any(role != self.Role.STAFF for role in roles)
        return self.role in roles

    @property
    def is_department_staff(self) -> bool:
        return self.role == self.Role.STAFF and not self.is_superuser

    @property
    def is_editor(self) -> bool:
        return self.is_superuser or self.role == self.Role.EDITOR

    @property
    def is_approver(self) -> bool:
        return self.is_superuser or self.role == self.Role.APPROVER

    @property
    def is_scorer(self) -> bool:
        return self.is_superuser or self.role == self.Role.SCORER

    @property
    def is_centre_staff(self) -> bool:
        """Editors, approvers and administrators work on every department's material."""
        return self.is_superuser or self.role in {self.Role.EDITOR, self.Role.APPROVER}


class LoginFailure(models.Model):
    """One wrong password, kept for the login throttle (departments/throttle.py).

    The two sequence numbers make the throttle's check-then-record safe across gunicorn
    processes: an attempt records itself as the next failure of its user name and of its
    address, and the unique constraints let only one of two simultaneous attempts that saw
    the same failures through.
    """

    username = models.CharField(_("user name"), max_length=150)
    address = models.GenericIPAddressField(_("address"))
    time = models.DateTimeField(_("time"))
    username_seq = models.PositiveIntegerField()
    address_seq = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        constraints = [
            models.UniqueConstraint(
                fields=["username", "username_seq"], name="loginfailure_username_seq_unique"
            ),
            models.UniqueConstraint(
                fields=["address", "address_seq"], name="loginfailure_address_seq_unique"
            ),
        ]
        indexes = [models.Index(fields=["time"], name="loginfailure_time_idx")]

    def __str__(self) -> str:
        return f"{self.username} @ {self.address}"
