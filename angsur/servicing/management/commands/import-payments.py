"""`angsur import-payments FILE --bank NAME --user USERNAME`: post a bank statement (CSV or Excel)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.org.clock import business_date
from angsur.org.models import User
from angsur.servicing.imports import statement_import


class Command(BaseCommand):
    help = "Import a bank statement: match rows by virtual account or contract number, post each good row, report bad rows by line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--bank", required=True, help="Bank name: picks the saved column mapping and scopes the references")
        parser.add_argument("--user", required=True, help="The staff member the payments are posted as (needs payment.post)")
        parser.add_argument("--quiet", action="store_true", help="No progress bar")

    def handle(self, *args, file: str, bank: str, user: str, quiet: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        actor = User.objects.filter(username=user, is_active=True).select_related("branch").first()
        if actor is None:
            raise CommandError(_("Unknown user: %(user)s") % {"user": user})
        content = path.read_bytes()

        def progress(done: int, total: int) -> None:
            if not quiet:
                filled = 30 * done // total if total else 30
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
                sys.stderr.flush()

        as_of = business_date(actor.branch) if actor.branch else timezone.localdate()
        report = statement_import(actor=actor, content=content, name=path.name, bank=bank, as_of=as_of, progress=progress)
        if not quiet:
            sys.stderr.write("\r")
        for line, message in report.errors:
            self.stdout.write(_("line %(line)s: %(message)s") % {"line": line, "message": message})
        self.stdout.write(
            _("%(rows)s rows: %(posted)s posted, %(already)s already posted, %(unmatched)s unmatched (review queue), %(errors)s refused")
            % {
                "rows": report.rows,
                "posted": report.posted,
                "already": report.already_posted,
                "unmatched": report.unmatched,
                "errors": len(report.errors),
            }
        )
        if report.errors:
            raise SystemExit(1)
