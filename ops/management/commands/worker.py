"""The background worker: django-tasks-db's db_worker, with the print pipeline loaded
before the first task, so the first PDF it renders costs what the others do."""

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from bulletin.printing.rendering import warm_up


class Command(DbWorker):
    help = "Run the background tasks (PDF renders, e-mail); the fonts are loaded first."

    def handle(self, *args, **options):
        self.stdout.write(f"print pipeline ready in {warm_up():.1f} s")
        return super().handle(*args, **options)
