"""Workflow steps that span models: typed, keyword-only functions named <entity>_<action>.

editing.py     the issue row locked and checked for every write while it is edited
issues.py      numbering, creating an issue, the issue workflow
submissions.py the department items' workflow
sections.py    assembling an issue: outline, text, records, generated prose, order, calls
notices.py     notices of every hand-off, the completeness board and its reminders
visits.py      the departments' leader visits, the issue reporting each, the editor's corrections
The PDF and Word services live with the print pipeline (bulletin/printing/pdf.py and
bulletin/printing/docx.py).
"""

from bulletin.printing.docx import (
    StoredDocxError,
    docx_file,
    issue_store_docx,
    read_stored_docx,
)
from bulletin.printing.pdf import (
    StoredPdfError,
    issue_pdf,
    issue_unprintable,
    read_stored_pdf,
    ready_pdf,
    request_render,
    verify_stored_pdfs,
)
from bulletin.services.issues import (
    default_period,
    issue_approve,
    issue_create,
    issue_issue,
    issue_recall,
    issue_return,
    issue_send_to_review,
    issue_start_editing,
    issue_update,
    next_issue_numbers,
)
from bulletin.services.notices import (
    RecentlyReminded,
    departments_missing,
    issue_completeness,
    issue_remind,
    notice_open,
    notice_read,
    notice_read_all,
    notify_issued,
)
from bulletin.services.sections import (
    ImplausibleFigures,
    NeedsConfirmation,
    OpeningChange,
    issue_link_round,
    section_add,
    section_attach_scores,
    section_call,
    section_delete,
    section_generate,
    section_move,
    section_place,
    section_save_statistics,
    section_save_text,
    section_update,
    submission_move,
    submission_place,
)
from bulletin.services.submissions import (
    submission_accept,
    submission_create,
    submission_not_use,
    submission_return,
    submission_revise,
    submission_submit,
    submission_update,
    submission_withdraw,
)
from bulletin.services.visits import (
    VisitChange,
    issue_take_waiting_visits,
    reporting_issue,
    section_save_visits,
    visit_save,
)
from lib.workflow import Conflict, WorkflowError

__all__ = [
    "Conflict",
    "ImplausibleFigures",
    "NeedsConfirmation",
    "OpeningChange",
    "RecentlyReminded",
    "StoredDocxError",
    "StoredPdfError",
    "VisitChange",
    "WorkflowError",
    "default_period",
    "departments_missing",
    "docx_file",
    "issue_approve",
    "issue_completeness",
    "issue_create",
    "issue_issue",
    "issue_link_round",
    "issue_pdf",
    "issue_recall",
    "issue_remind",
    "issue_return",
    "issue_send_to_review",
    "issue_start_editing",
    "issue_store_docx",
    "issue_take_waiting_visits",
    "issue_unprintable",
    "issue_update",
    "next_issue_numbers",
    "notice_open",
    "notice_read",
    "notice_read_all",
    "notify_issued",
    "read_stored_docx",
    "read_stored_pdf",
    "ready_pdf",
    "reporting_issue",
    "request_render",
    "section_add",
    "section_attach_scores",
    "section_call",
    "section_delete",
    "section_generate",
    "section_move",
    "section_place",
    "section_save_statistics",
    "section_save_text",
    "section_save_visits",
    "section_update",
    "submission_accept",
    "submission_create",
    "submission_move",
    "submission_not_use",
    "submission_place",
    "submission_return",
    "submission_revise",
    "submission_submit",
    "submission_update",
    "submission_withdraw",
    "verify_stored_pdfs",
    "visit_save",
]
