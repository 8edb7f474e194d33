from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Window
from django.db.models.functions import Rank
from django.utils.translation import gettext_lazy as _

BASE_SCORE = Decimal(100)


class WindowScoreQuerySet(models.QuerySet):
    def for_month(self, month):
        return self.filter(month=month)

    def ranked(self):
        """Totals and standard competition ranks ("1224"): ties share the best rank.

        SQL RANK() is exactly standard competition ranking; rank within each month.
        Rows of a tie keep the printed table's order, then the departments' display order.
        """
        total = F("base") + F("deduction") + F("bonus")
        return (
            self.select_related("department")
            .annotate(
                total_score=total,
                rank=Window(Rank(), partition_by=[F("month")], order_by=total.desc()),
            )
            .order_by(
                "month",
                "-total_score",
                F("table_position").asc(nulls_last=True),
                "department__display_order",
                "department__name",
            )
        )

    def table(self) -> list:
        """Ranked rows for printing: a tie's rank is printed once, spanning its rows.

        Each row gets `rank_rowspan`: the number of rows its rank cell covers on the
        first row of a tie, 0 on the rows below it.
        """
        rows = list(self.ranked())
        for index, row in enumerate(rows):
            if index and rows[index - 1].rank == row.rank and rows[index - 1].month == row.month:
                row.rank_rowspan = 0
            else:
                span = 1
                while (
                    index + span < len(rows)
                    and rows[index + span].rank == row.rank
                    and rows[index + span].month == row.month
                ):
                    span += 1
                row.rank_rowspan = span
        return rows


class WindowScore(models.Model):
    """A department's monthly window score: 基础分 + 减分 + 加分 = 实得分."""

    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="window_scores",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the assessed month."))
    base = models.DecimalField(_("base score"), max_digits=5, decimal_places=1, default=BASE_SCORE)
    deduction = models.DecimalField(
        _("deduction"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        help_text=_("Zero or negative, in steps of 0.5."),
    )
    bonus = models.DecimalField(
        _("bonus"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        help_text=_("Zero or positive, in steps of 0.5."),
    )
    # Order of the row in a printed table that was imported; ties print in this order.
    table_position = models.PositiveIntegerField(_("table position"), null=True, blank=True)

    objects = WindowScoreQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "department__display_order"]
        verbose_name = _("window score")
        verbose_name_plural = _("window scores")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "month"], name="windowscore_unique_month"
            ),
            models.CheckConstraint(
                condition=Q(deduction__lte=0), name="windowscore_deduction_le_0"
            ),
            models.CheckConstraint(condition=Q(bonus__gte=0), name="windowscore_bonus_ge_0"),
            models.CheckConstraint(condition=Q(base__gte=0), name="windowscore_base_ge_0"),
            models.CheckConstraint(condition=Q(month__day=1), name="windowscore_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.department}"

    @property
    def total(self) -> Decimal:
        return self.base + self.deduction + self.bonus


def competition_ranks(values: list) -> list[int]:
    """Standard competition ranks for values in any order, higher is better ("1224")."""
    ordered = sorted(values, reverse=True)
    first_at = {}
    for index, value in enumerate(ordered, start=1):
        first_at.setdefault(value, index)
    return [first_at[value] for value in values]


def format_score(value: Decimal) -> str:
    """100.0 -> "100", 13.5 -> "13.5", -2.0 -> "-2" as printed in the table."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
