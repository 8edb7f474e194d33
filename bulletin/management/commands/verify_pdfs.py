from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from bulletin.models import Issue
from bulletin.services import verify_stored_pdfs


def report_stored_pdfs(stdout: OutputWrapper, stderr: OutputWrapper) -> tuple[int, int]:
    """Check every issued PDF and every stored Word file, a line each; return (checked,
    failed). `restore` uses it too."""
    from bulletin.printing.docx import StoredDocxError, read_stored_docx

    total = failed = 0
    for issue, error in verify_stored_pdfs():
        total += 1
        if error:
            failed += 1
            stderr.write(f"FAIL {error}")
        else:
            stdout.write(f"ok   {issue} {issue.pdf_sha256[:16]}")
    for issue in Issue.objects.exclude(docx_sha256="").select_related("series").order_by("pk"):
        total += 1
        try:
            read_stored_docx(issue)
        except StoredDocxError as exc:
            failed += 1
            stderr.write(f"FAIL {exc}")
        else:
            stdout.write(f"ok   {issue} (Word) {issue.docx_sha256[:16]}")
    return total, failed


class Command(BaseCommand):
    help = (
        "Check every issued PDF and Word file in storage against the SHA-256 recorded when "
        "it was stored."
    )

    def handle(self, *args, **options) -> None:
        total, failed = report_stored_pdfs(self.stdout, self.stderr)
        if failed:
            raise CommandError(f"{failed} of {total} stored file(s) failed the check")
        self.stdout.write(f"{total} stored file(s) verified")
