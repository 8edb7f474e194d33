import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from bulletin.access import get_issue_for_user, get_submission_for_user
from bulletin.models import Issue, Submission
from tests.factories import make_issue, make_section, make_series, make_submission


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.fixture
def issue(db):
    return make_issue(make_series(), status=Issue.Status.COLLECTING)


@pytest.fixture
def draft(issue, department):
    return make_submission(make_section(issue), department, status=Submission.Status.DRAFT)


def test_staff_sees_and_changes_own_departments_draft(clerk, draft):
    found = get_submission_for_user(request_for(clerk), draft.pk, step="edit")
    assert found == draft


def test_staff_cannot_see_other_departments_draft(other_clerk, draft):
    with pytest.raises(Http404):
        get_submission_for_user(request_for(other_clerk), draft.pk)
    with pytest.raises(Http404):
        get_submission_for_user(request_for(other_clerk), draft.pk, step="edit")


def test_staff_cannot_change_own_item_once_submitted(clerk, draft):
    Submission.objects.filter(pk=draft.pk).update(status=Submission.Status.SUBMITTED)
    assert get_submission_for_user(request_for(clerk), draft.pk) == draft
    with pytest.raises(PermissionDenied):
        get_submission_for_user(request_for(clerk), draft.pk, step="edit")


def test_staff_can_change_a_returned_item_again(clerk, draft):
    Submission.objects.filter(pk=draft.pk).update(
        status=Submission.Status.RETURNED, return_reason="请补充办件数据"
    )
    assert get_submission_for_user(request_for(clerk), draft.pk, step="edit") == draft


def test_a_draft_is_hidden_from_everyone_outside_its_department(editor, approver, draft):
    for user in (editor, approver):
        with pytest.raises(Http404):
            get_submission_for_user(request_for(user), draft.pk)


def test_editor_sees_and_changes_every_departments_submitted_item(editor, draft):
    Submission.objects.filter(pk=draft.pk).update(status=Submission.Status.SUBMITTED)
    assert get_submission_for_user(request_for(editor), draft.pk, step="accept") == draft


def test_approver_sees_submitted_items_but_cannot_change_them(approver, draft):
    Submission.objects.filter(pk=draft.pk).update(status=Submission.Status.SUBMITTED)
    assert get_submission_for_user(request_for(approver), draft.pk) == draft
    with pytest.raises(PermissionDenied):
        get_submission_for_user(request_for(approver), draft.pk, step="accept")


def test_scorer_does_not_see_department_drafts(scorer, draft):
    with pytest.raises(Http404):
        get_submission_for_user(request_for(scorer), draft.pk)


def test_nobody_changes_items_of_an_issue_in_review_or_later(editor, clerk, draft, issue):
    Submission.objects.filter(pk=draft.pk).update(
        status=Submission.Status.RETURNED, return_reason="r"
    )
    for status in (Issue.Status.REVIEW, Issue.Status.ISSUED):
        Issue.objects.filter(pk=issue.pk).update(status=status)
        for user, step in ((editor, "not_use"), (clerk, "edit")):
            with pytest.raises(PermissionDenied):
                get_submission_for_user(request_for(user), draft.pk, step=step)


def test_staff_see_only_issued_issues(clerk, issue):
    with pytest.raises(Http404):
        get_issue_for_user(request_for(clerk), issue.pk)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.ISSUED)
    assert get_issue_for_user(request_for(clerk), issue.pk) == issue


def test_editor_changes_an_open_issue_but_not_an_issued_one(editor, issue):
    assert get_issue_for_user(request_for(editor), issue.pk, step="edit") == issue
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.ISSUED)
    with pytest.raises(PermissionDenied):
        get_issue_for_user(request_for(editor), issue.pk, step="edit")


def test_approver_sees_an_issue_in_review_but_cannot_edit_it(approver, issue):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.REVIEW)
    assert get_issue_for_user(request_for(approver), issue.pk) == issue
    with pytest.raises(PermissionDenied):
        get_issue_for_user(request_for(approver), issue.pk, step="edit")


def test_anonymous_sees_nothing(issue, draft):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        get_issue_for_user(request_for(AnonymousUser()), issue.pk)
    with pytest.raises(Http404):
        get_submission_for_user(request_for(AnonymousUser()), draft.pk)


def test_department_querysets_hold_only_own_items(
    clerk, other_clerk, draft, issue, other_department
):
    other = make_submission(make_section(issue, position=2), other_department)
    assert list(Submission.objects.visible_to(clerk)) == [draft]
    assert list(Submission.objects.visible_to(other_clerk)) == [other]


def test_a_returned_item_is_editable_again_after_the_collection_closed_but_a_draft_is_not(
    clerk, draft, issue
):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.EDITING)
    with pytest.raises(PermissionDenied):
        get_submission_for_user(request_for(clerk), draft.pk, step="edit")
    Submission.objects.filter(pk=draft.pk).update(
        status=Submission.Status.RETURNED, return_reason="请补充办件数据"
    )
    assert get_submission_for_user(request_for(clerk), draft.pk, step="submit") == draft


def test_an_administrator_is_no_department_and_files_nothing_for_one(admin_user, draft):
    assert not draft.can("submit", admin_user)
    assert draft.refusal("submit", admin_user) == draft.refusal("submit", admin_user)
    assert admin_user.has_role("editor", "staff") and not admin_user.has_role("staff")
