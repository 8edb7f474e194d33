from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HallQuerySet(models.QuerySet):
    def default(self) -> "Hall":
        """The first hall (display order, then age): where a department, series or month
        made without naming a hall belongs. An installation with one hall never names it;
        the migration that introduced halls created it and attached every row to it."""
        hall = self.order_by("display_order", "pk").first()
        if hall is None:
            hall = self.create(name=DEFAULT_HALL_NAME, short_name=DEFAULT_HALL_SHORT_NAME)
        return hall

    def for_issuing_body(self, issuing_body: str) -> "Hall":
        """The hall of a bulletin's issuing body (编印单位): the hall whose short name the
        body's name begins with (绵阳市政务服务和公共资源交易服务中心 → 绵阳市), the longest
        such short name if several do; else the default hall."""
        body = "".join(issuing_body.split())
        matching = [
            hall for hall in self.exclude(short_name="") if body.startswith(hall.short_name)
        ]
        if matching:
            return max(matching, key=lambda hall: (len(hall.short_name), -hall.display_order))
        return self.default()


DEFAULT_HALL_NAME = "省政务服务大厅"
DEFAULT_HALL_SHORT_NAME = "省大厅"


class Hall(models.Model):
    """An assessing body (大厅: 省政务服务大厅, 绵阳市政务服务大厅): its stationed departments,
    their monthly window scores and the series its issuing bodies publish belong to it.
    Most installations have one; a hall's clerks, editors and scorers work in it only."""

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("For example 绵阳市政务服务大厅.")
    )
    short_name = models.CharField(
        _("short name"),
        max_length=30,
        blank=True,
        help_text=_(
            "The region its issuing bodies' names begin with, e.g. 绵阳市: a bulletin "
            "imported for a new series goes to the hall whose short name begins its "
            "issuing body (编印单位), else to the first hall."
        ),
    )
    display_order = models.PositiveIntegerField(
        _("display order"),
        default=1000,
        help_text=_("Smaller comes first; the first hall is the default one."),
    )

    objects = HallQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "pk"]
        verbose_name = _("hall")
        verbose_name_plural = _("halls")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


def default_hall() -> int:
    """The default hall's pk, the default of every hall field (Hall.objects.default)."""
    first = Hall.objects.order_by("display_order", "pk").values_list("pk", flat=True).first()
    return first if first is not None else Hall.objects.default().pk


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_hall(self, hall):
        return self.filter(hall=hall)

    def visible_to(self, user):
        """The departments of the user's hall (of every hall for administrators)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user.hall_q("hall"))

    def next_display_order(self) -> int:
        """A place after every existing department (for ones added on the fly)."""
        return (self.aggregate(m=models.Max("display_order"))["m"] or 0) + 10


class Department(models.Model):
    """A department stationed in a hall with its own service window."""

    hall = models.ForeignKey(
        Hall,
        verbose_name=_("hall"),
        on_delete=models.PROTECT,
        default=default_hall,
        related_name="departments",
        help_text=_("The hall the window is stationed in."),
    )
    name = models.CharField(_("name"), max_length=100)
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
        constraints = [
            # A city hall has its own 市场监管局 beside the province's.
            models.UniqueConstraint(fields=["hall", "name"], name="department_unique_name_in_hall")
        ]

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
    hall = models.ForeignKey(
        Hall,
        verbose_name=_("hall"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_(
            "The hall an editor, approver or scorer works for. Department staff belong to "
            "their department's hall; administrators without a hall see every hall."
        ),
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
            models.CheckConstraint(
                condition=Q(hall__isnull=False) | Q(role="staff") | Q(is_superuser=True),
                name="user_centre_staff_has_hall",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == self.Role.STAFF and not self.department_id and not self.is_superuser:
            raise ValidationError(
                {"department": _("Department staff must belong to a department.")}
            )
        if self.role == self.Role.STAFF and self.department_id:
            self.hall_id = self.department.hall_id
        elif not self.hall_id and not self.is_superuser:
            # Like a department or a series made without a hall: the default one.
            self.hall_id = default_hall()

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
    def hall_scope(self) -> int | None:
        """The pk of the hall whose work the user sees: department staff their
        department's, everyone else their own. Administrators see every hall whatever
        this says (hall_q, sees_hall)."""
        if self.role == self.Role.STAFF and self.department_id and not self.is_superuser:
            return self.department.hall_id
        return self.hall_id

    def hall_q(self, path: str) -> Q:
        """The filter to the user's hall for rows that reach their hall through `path`
        ("hall", "series__hall", "month__hall"): every access rule asks this one. A user
        of no hall who is no administrator matches nothing (halls are never empty)."""
        if self.is_superuser:
            return Q()
        return Q(**{path: self.hall_scope})

    def sees_hall(self, hall_id: int | None) -> bool:
        return self.is_superuser or (hall_id is not None and self.hall_scope == hall_id)

    @property
    def working_hall_id(self) -> int:
        """The hall what the user opens (a month, a round) belongs to: their own, or for
        an administrator of no hall the default one."""
        return self.hall_scope or default_hall()

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
    username_seq = models.PositiveIntegerField(_("failure number of the user name"))
    address_seq = models.PositiveIntegerField(_("failure number of the address"))

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
