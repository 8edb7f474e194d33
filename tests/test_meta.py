import datetime
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_migrations_are_in_step_with_the_models(db):
    out = StringIO()
    call_command("makemigrations", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()


def settings_in_subprocess(env: dict[str, str], expr: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DEBUG"}}
    clean.pop("SECRET_KEY", None)
    clean.pop("DATABASE_URL", None)
    clean.update(env)
    code = f"import django; django.setup(); from django.conf import settings; print({expr})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = settings_in_subprocess({"DEBUG": "0"}, "settings.SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_debug_runs_without_a_secret_key_and_defaults_to_sqlite_under_var():
    result = settings_in_subprocess(
        {"DEBUG": "1"},
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
    )
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout
    assert str(ROOT / "var" / "jianbao.sqlite3") in result.stdout


def test_database_url_selects_postgresql():
    result = settings_in_subprocess(
        {"DEBUG": "0", "SECRET_KEY": "x", "DATABASE_URL": "postgres://u:p@db.example:5433/jb"},
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['PORT']",
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout
    assert "5433" in result.stdout


def test_a_bad_boolean_fails_loudly():
    result = settings_in_subprocess({"DEBUG": "maybe"}, "settings.DEBUG")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_locale_time_zone_and_language_defaults(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_env_example_lists_every_variable_the_settings_read():
    settings_source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    read = set(
        re.findall(r'(?:env_bool|env_list|os\.environ\.get)\(\s*"([A-Z_]+)"', settings_source)
    )
    read -= {"PYTEST_VERSION"}
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.M))
    assert read <= listed, f"not in .env.example: {sorted(read - listed)}"


@pytest.mark.django_db
def test_load_demo_loads_departments_issues_visits_and_demo_logins(settings):
    from bulletin.models import Issue, LeaderVisit
    from departments.models import Department, User
    from scoring.models import InspectionItem, WindowScore

    settings.DEMO_MODE = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=StringIO())  # a second run changes nothing
    labels = sorted(issue.label for issue in Issue.objects.issued())
    assert labels == ["2022年第39期（总第414期）", "2023年第38期（总第458期）"]
    # the next issue is open for the demo logins, its calls standing
    (open_issue,) = Issue.objects.exclude(status=Issue.Status.ISSUED)
    assert open_issue.label == "2023年第39期（总第459期）"
    assert open_issue.sections.filter(call_deadline__isnull=False).exists()
    assert Department.objects.count() == 29
    assert WindowScore.objects.filter(month=datetime.date(2023, 8, 1)).count() == 29
    assert (
        WindowScore.objects.filter(month=datetime.date(2023, 9, 1)).count() == 29
    )  # the open month
    assert LeaderVisit.objects.count() == 6
    assert InspectionItem.objects.count() == 6
    orders = list(Department.objects.values_list("name", flat=True))
    assert orders.index("省发展改革委") < orders.index("应急管理厅") < orders.index("成都海关")
    for role in User.Role.values:
        assert User.objects.filter(role=role).exists()
    printed = out.getvalue()
    assert "clerk" in printed and "editor" in printed and "approver" in printed


@pytest.mark.django_db
def test_load_demo_creates_no_logins_outside_demo_mode(settings):
    from departments.models import User

    settings.DEMO_MODE = False
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert not User.objects.exists()
    assert "password" not in out.getvalue().lower()


@pytest.mark.django_db
def test_load_demo_if_empty_leaves_existing_data_alone(settings):
    from bulletin.models import Issue
    from tests.factories import make_issue, make_series

    settings.DEMO_MODE = False
    make_issue(make_series("其他简报"))
    call_command("load_demo", if_empty=True, stdout=StringIO())
    assert Issue.objects.count() == 1


def test_a_local_env_file_fills_only_what_the_environment_does_not_say(tmp_path, monkeypatch):
    from config.settings import load_env_file

    env = tmp_path / ".env"
    env.write_text("# comment\nJIANBAO_TEST_A=from-file\nJIANBAO_TEST_B = file\n", encoding="utf-8")
    monkeypatch.delenv("JIANBAO_TEST_A", raising=False)
    monkeypatch.setenv("JIANBAO_TEST_B", "from-environment")
    load_env_file(env)
    assert os.environ["JIANBAO_TEST_A"] == "from-file"
    assert os.environ["JIANBAO_TEST_B"] == "from-environment"
    monkeypatch.delenv("JIANBAO_TEST_A")
