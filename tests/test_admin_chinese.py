"""The Django admin speaks Chinese: every label our apps put on it is translated.

Walks every registered ModelAdmin of our apps as the superuser with the zh-hans UI: the
changelist (column headers, filters and their choices, actions, the search help), the
add page and a change page (fieldsets, field labels, help texts, choices, read-only
fields, inlines), and the names of the apps and models. Each label is what the admin
shows; it must carry no English word, but for the few names that are written in Latin
letters in Chinese too (PDF, SHA-256, ...). Django's own labels pass through the same
check and are translated by Django's catalogue.
"""

from __future__ import annotations

import re

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.utils import help_text_for_field, label_for_field
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from tests.attack_world import build_world, client_for

OUR_APPS = ("departments", "bulletin", "scoring", "ops", "demo")
# Written in Latin letters in a Chinese UI as well (Django's own help texts name the
# Control and Command keys, the Mac and LDAP).
LATIN_NAMES = {
    "PDF",
    "SHA",
    "ID",
    "IP",
    "URL",
    "Excel",
    "xlsx",
    "Word",
    "docx",
    "Control",
    "Command",
    "Mac",
    "LDAP",
}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# Text in straight double quotes is what is typed as it stands (a JSON example's keys).
LITERAL = re.compile(r'"[^"]*"')
MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def english_words(text) -> list[str]:
    words = ENGLISH_WORD.findall(LITERAL.sub("", strip_tags(str(text))))
    return [word for word in words if word not in LATIN_NAMES]


def registered() -> list[tuple[type, admin.ModelAdmin]]:
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in OUR_APPS
        ),
        key=lambda pair: pair[0]._meta.label,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The persona world and one row of every registered model, rolled back after."""
    from tests.test_permission_matrix import _extend

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=MD5),
        transaction.atomic(),
    ):
        w = build_world()
        _extend(w)
        yield w
        transaction.set_rollback(True)


@pytest.fixture
def zh(world, db):
    with translation.override("zh-hans"):
        yield client_for(world, "admin", HTTP_ACCEPT_LANGUAGE="zh-hans")


class Labels:
    """The labels seen, each with where it was seen."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def add(self, where: str, text) -> None:
        if text not in (None, ""):
            self.seen.append((where, str(text)))

    def choices(self, where: str, choices) -> None:
        for value, label in choices:
            if isinstance(label, (list, tuple)):  # an optgroup
                self.add(where, value)
                self.choices(where, label)
            else:
                self.add(where, label)

    def untranslated(self) -> list[str]:
        return sorted({f"{where}: {text!r}" for where, text in self.seen if english_words(text)})


def form_labels(labels: Labels, where: str, form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        labels.add(f"{where} field {name}", field.label)
        labels.add(f"{where} help {name}", field.help_text)
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            labels.choices(f"{where} choices {name}", field.choices)


def changelist_labels(labels: Labels, client, model, model_admin) -> None:
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200, opts.label
    where = f"{opts.label} changelist"
    cl = response.context["cl"]
    for header in result_headers(cl):
        labels.add(f"{where} column", header["text"])
    for spec in cl.filter_specs:
        labels.add(f"{where} filter", spec.title)
        if not getattr(spec, "lookup_kwarg", "").endswith(("__id__exact", "__exact")) or (
            getattr(spec, "field", None) is not None and spec.field.choices
        ):
            for choice in spec.choices(cl):
                labels.add(f"{where} filter {spec.title}", choice["display"])
    action_form = response.context.get("action_form")
    if action_form is not None:
        labels.choices(f"{where} action", action_form.fields["action"].choices)
    labels.add(f"{where} search help", cl.search_help_text)


def object_page_labels(labels: Labels, client, url: str, where: str, model, model_admin) -> None:
    response = client.get(url)
    assert response.status_code == 200, (where, response.status_code)
    adminform = response.context["adminform"]
    for fieldset in adminform:
        labels.add(f"{where} fieldset", fieldset.name)
        labels.add(f"{where} fieldset description", fieldset.description)
    form_labels(labels, where, adminform.form)
    for name in adminform.readonly_fields:
        labels.add(f"{where} read-only {name}", label_for_field(name, model, model_admin))
        labels.add(f"{where} read-only help {name}", help_text_for_field(name, model))
    for inline in response.context["inline_admin_formsets"]:
        inline_where = f"{where} inline {inline.opts.model._meta.label}"
        labels.add(inline_where, inline.opts.verbose_name)
        labels.add(inline_where, inline.opts.verbose_name_plural)
        for field in inline.fields():
            labels.add(f"{inline_where} column", field["label"])
            labels.add(f"{inline_where} help", field.get("help_text"))
        form_labels(labels, inline_where, inline.formset.empty_form)


def model_labels(labels: Labels, model) -> None:
    opts = model._meta
    labels.add(f"{opts.label} name", opts.verbose_name)
    labels.add(f"{opts.label} name", opts.verbose_name_plural)
    for field in opts.get_fields():
        if field.auto_created and not field.concrete:
            continue  # the other side of a relation, named by its model
        labels.add(f"{opts.label}.{field.name}", field.verbose_name)
        labels.add(f"{opts.label}.{field.name} help", field.help_text)
        if field.choices:
            labels.choices(f"{opts.label}.{field.name} choices", field.choices)


def test_the_checker_finds_english_and_lets_chinese_and_latin_names_through():
    assert english_words("default 报 line") == ["default", "line"]
    assert english_words("Status") == ["Status"]
    assert english_words("PDF 的 SHA-256") == []
    assert english_words("<b>期号</b>") == []
    assert english_words('格式为：[{"title": "…", "level": 1}]') == []
    assert english_words('格式为：[{title: "…"}]') == ["title"]


def test_every_label_of_our_apps_in_the_admin_is_translated(world, zh):
    labels = Labels()
    for config in apps.get_app_configs():
        if config.label in OUR_APPS:
            labels.add(f"app {config.label}", config.verbose_name)
    index = zh.get(reverse("admin:index"))
    assert index.status_code == 200
    for entry in index.context["app_list"]:
        if entry["app_label"] not in OUR_APPS:
            continue  # django.contrib.auth is Django's, django_tasks_db a library's
        labels.add(f"index {entry['app_label']}", entry["name"])
        for model_entry in entry["models"]:
            labels.add(f"index {entry['app_label']}", model_entry["name"])

    for model, model_admin in registered():
        opts = model._meta
        model_labels(labels, model)
        changelist_labels(labels, zh, model, model_admin)
        info = f"admin:{opts.app_label}_{opts.model_name}"
        if model_admin.has_add_permission(superuser_request(world)):
            object_page_labels(
                labels, zh, reverse(f"{info}_add"), f"{opts.label} add", model, model_admin
            )
        # A model the world has no row of still has its fields' labels checked above.
        obj = model._default_manager.first()
        if obj is not None:
            url = reverse(f"{info}_change", args=[obj.pk])
            object_page_labels(labels, zh, url, f"{opts.label} change", model, model_admin)

    untranslated = labels.untranslated()
    assert not untranslated, "English in the Chinese admin:\n" + "\n".join(untranslated)
    assert len(labels.seen) > 500  # the walk reached the pages it claims to


def superuser_request(world):
    request = RequestFactory().get("/admin/")
    request.user = world.users["admin"]
    return request


def test_rows_named_by_their_states_are_named_in_chinese(zh):
    """A transition's or a rendering's name (the change page's title, the breadcrumbs)
    is built from its states, which are stored in English."""
    from bulletin.models import PdfRender
    from lib.workflow import TransitionRecord

    checked = set()
    for model, _ in registered():
        if not issubclass(model, (TransitionRecord, PdfRender)):
            continue
        for row in model._default_manager.all()[:5]:
            assert not english_words(str(row)), (model._meta.label, str(row))
            checked.add(model._meta.label)
    # the transitions of items, issues, months, objections and findings, and a rendering
    assert len(checked) >= 6, checked
