from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from bulletin.services import verify_stored_pdfs


def report_stored_pdfs(stdout: OutputWrapper, stderr: OutputWrapper) -> tuple[int, int]:
    """Check every issued PDF, a line each; return (checked, failed). `restore` uses it too."""
    total = failed = 0
    for issue, error in verify_stored_pdfs():
        total += 1
        if error:
            failed += 1
            stderr.write(f"FAIL {error}")
        else:
            stdout.write(f"ok   {issue} {issue.pdf_sha256[:16]}")
    return total, failed


class Command(BaseCommand):
    help = "Check every issued PDF in storage against the SHA-256 recorded when it was issued."

    def handle(self, *args, **options) -> None:
        total, failed = report_stored_pdfs(self.stdout, self.stderr)
        if failed:
            raise CommandError(f"{failed} of {total} stored PDF(s) failed the check")
        self.stdout.write(f"{total} stored PDF(s) verified")
