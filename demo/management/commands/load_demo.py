import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletin import services
from bulletin.adoption import services as adoption
from bulletin.adoption.models import AdoptionRules
from bulletin.importer import import_file, parse_bulletin
from bulletin.models import InspectionPoint, Issue, LeaderVisit, RecipientGroup, Section
from demo import data
from departments.models import Department, Hall, User
from scoring import services as scoring_services


class Command(BaseCommand):
    help = (
        "Load the demo: the 29 departments, the two real issues of 窗口工作周报 with their "
        "leader visits, and (in demo mode only) one login per role."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when any issue already exists"
        )

    def handle(self, *args, if_empty: bool, **options) -> None:
        if if_empty and Issue.objects.exists():
            self.stdout.write("Issues already exist; demo not loaded.")
        else:
            self._load()
        if settings.DEMO_MODE:
            self._users()
        else:
            self.stdout.write("Not in demo mode (JIANBAO_DEMO=1): no demo logins created.")

    @transaction.atomic
    def _load(self) -> None:
        # The demo is one hall, the default one: the seeds' score tables go to it too.
        hall = Hall.objects.default()
        for order, (name, short) in enumerate(data.DEPARTMENTS, start=1):
            Department.objects.update_or_create(
                hall=hall, name=name, defaults={"short_name": short, "display_order": order * 10}
            )
        departments = {d.name: d for d in Department.objects.in_hall(hall)}
        for filename in data.SEED_FILES:
            path = settings.DEMO_SEEDS_DIR / filename
            doc = parse_bulletin(path.read_text(encoding="utf-8"))
            issue = Issue.objects.filter(
                series__title=doc.title, year=doc.year, number=doc.number
            ).first()
            if issue is not None:  # an issued bulletin is never imported over, nor added to
                continue
            issue = import_file(path)
            self.stdout.write(f"Imported {issue}")
            visits = data.LEADER_VISITS.get((issue.series.title, issue.year, issue.number), [])
            for date, department, name, title, activity in visits:
                LeaderVisit.objects.update_or_create(
                    department=departments[department],
                    date=date,
                    leader_name=name,
                    defaults={"issue": issue, "leader_title": title, "activity": activity},
                )
        self._checklist(issue.series)
        self._open_issue(issue.series)
        self._open_month(departments, hall)
        self._reporting(hall)

    def _checklist(self, series) -> None:
        """The series' hall inspection checklist, which a new round starts from."""
        if series.inspection_points.exists():
            return
        InspectionPoint.objects.bulk_create(
            InspectionPoint(series=series, position=n, topic=topic)
            for n, topic in enumerate(data.INSPECTION_CHECKLIST, start=1)
        )

    def _reporting(self, hall: Hall) -> None:
        """The information-reporting rules of DESIGN.md section 6 from January 2023, and
        October 2023 (2023年第38期 was issued on the 17th) open to count."""
        if not AdoptionRules.objects.in_hall(hall.pk).exists():
            adoption.rules_save(
                hall=hall.pk,
                by=None,
                effective_from=datetime.date(2023, 1, 1),
                values={**data.REPORTING_RULES, "note": data.REPORTING_RULES_NOTE},
            )
        month = adoption.month_open(hall=hall.pk, month=datetime.date(2023, 10, 1))
        self.stdout.write(f"Opened the information reporting of {month.label}")

    def _open_month(self, departments, hall: Hall) -> None:
        """September 2023, open, with two entries: the scorer's month to work on."""
        month = scoring_services.month_open(month=datetime.date(2023, 9, 1), hall=hall.pk)
        if month.entries.exists() or month.is_frozen:
            return
        for name, points, reason in data.SCORE_ENTRIES:
            scoring_services.entry_add(
                month=month,
                department=departments[name],
                date=datetime.date(2023, 9, 20),
                points=Decimal(points),
                reason=reason,
                by=None,
            )
        self.stdout.write(f"Opened the assessment of {month.label}")

    def _open_issue(self, series) -> None:
        """The next issue, collecting items, so the demo logins have something to do."""
        group, _created = RecipientGroup.objects.update_or_create(
            name=data.RECIPIENT_GROUP,
            defaults={
                "send_to": series.default_send_to,
                "distribute_to": series.default_distribute_to,
                "print_count": series.default_print_count,
            },
        )
        group.departments.set(Department.objects.in_hall(series.hall_id))
        if series.issues.exclude(status=Issue.Status.ISSUED).exists():
            return
        start, end = services.default_period(series)
        issue = services.issue_create(series=series, period_start=start, period_end=end)
        Issue.objects.filter(pk=issue.pk).update(recipient_group=group)
        deadline = timezone.now() + datetime.timedelta(days=3)
        issue.sections.filter(kind__in=[Section.Kind.ITEMS, Section.Kind.LEADER_VISITS]).update(
            call_deadline=deadline
        )
        self.stdout.write(f"Opened {issue} for submissions")

    def _users(self) -> None:
        hall = Hall.objects.default()
        departments = {d.name: d for d in Department.objects.in_hall(hall)}
        self.stdout.write(f"Demo logins (password for all: {data.DEMO_PASSWORD}):")
        for username, role, department, full_name, superuser in data.DEMO_USERS:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.role = role
            user.department = departments.get(department) if department else None
            user.hall = None if superuser else hall
            user.first_name = full_name
            user.is_superuser = user.is_staff = superuser
            user.set_password(data.DEMO_PASSWORD)
            user.save()
            role_label = _("administrator") if superuser else user.get_role_display()
            self.stdout.write(f"  {username:<10} {role_label}  {department or ''}")
