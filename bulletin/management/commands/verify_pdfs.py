from django.core.management.base import BaseCommand, CommandError

from bulletin.services import verify_stored_pdfs


class Command(BaseCommand):
    help = "Check every issued PDF in storage against the SHA-256 recorded when it was issued."

    def handle(self, *args, **options) -> None:
        total = failed = 0
        for issue, error in verify_stored_pdfs():
            total += 1
            if error:
                failed += 1
                self.stderr.write(f"FAIL {error}")
            else:
                self.stdout.write(f"ok   {issue} {issue.pdf_sha256[:16]}")
        if failed:
            raise CommandError(f"{failed} of {total} stored PDF(s) failed the check")
        self.stdout.write(f"{total} stored PDF(s) verified")
