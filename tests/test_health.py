"""/health/: 200 with every check ok, 503 naming the failed check, and nothing else."""

import shutil

import pytest
from django.urls import reverse

from bulletin.printing import fonts

ALL_OK = {"status": "ok", "checks": {"database": "ok", "storage": "ok", "fonts": "ok"}}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_healthy_answers_200_to_anyone_and_leaves_no_file(client, db, tmp_path):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == ALL_OK
    assert "no-cache" in response["Cache-Control"]
    assert list((tmp_path / "media").iterdir()) == []


def test_an_unwritable_media_root_answers_503_naming_storage(client, db, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"  # under a regular file: nothing can be created
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "ok", "storage": "error", "fonts": "ok"},
    }
    assert str(tmp_path) not in response.content.decode()


def test_less_free_space_than_the_threshold_answers_503_naming_storage(
    client, db, settings, tmp_path
):
    free_mb = shutil.disk_usage(tmp_path).free // 2**20
    settings.HEALTH_MIN_FREE_MB = free_mb + 1024  # more than the disk has
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "ok", "storage": "error", "fonts": "ok"},
    }
    assert str(free_mb) not in response.content.decode()  # the figures go to the log only


def test_more_free_space_than_the_threshold_is_ok(client, db, settings, tmp_path):
    settings.HEALTH_MIN_FREE_MB = max(shutil.disk_usage(tmp_path).free // 2**20 - 1024, 0)
    assert client.get(reverse("health")).json() == ALL_OK


def test_a_missing_shipped_face_answers_503_naming_fonts(client, db, monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "shipped_dir", lambda: tmp_path)  # the faces are gone
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "storage": "ok", "fonts": "error"}


def test_a_database_that_cannot_be_reached_answers_503_naming_database(client):
    # Without the db fixture pytest-django refuses every connection, as a database
    # that is down would.
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "error", "storage": "ok", "fonts": "ok"}


def test_health_only_answers_reads(client, db):
    assert client.post(reverse("health")).status_code == 405
    assert client.head(reverse("health")).status_code == 200
