from django.core.management.base import BaseCommand, CommandError

from bulletin.models import Issue
from bulletin.services import StoredPdfError, read_stored_pdf


class Command(BaseCommand):
    help = "Check every issued PDF in storage against the SHA-256 recorded when it was issued."

    def handle(self, *args, **options) -> None:
        issues = Issue.objects.exclude(pdf_sha256="").select_related("series")
        failed = 0
        for issue in issues.iterator():
            try:
                read_stored_pdf(issue)
            except StoredPdfError as exc:
                failed += 1
                self.stderr.write(f"FAIL {exc}")
            else:
                self.stdout.write(f"ok   {issue} {issue.pdf_sha256[:16]}")
        total = issues.count()
        if failed:
            raise CommandError(f"{failed} of {total} stored PDF(s) failed the check")
        self.stdout.write(f"{total} stored PDF(s) verified")
