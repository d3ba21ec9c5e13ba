"""`angsur workflow-graph [name]`: print the declared workflows as Graphviz dot (pipe to `dot -Tsvg`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from angsur.workflow.engine import REGISTRY


class Command(BaseCommand):
    help = "Print a workflow's transition table as a Graphviz digraph (all workflows without a name)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="the workflow, e.g. 'application'")

    def handle(self, *args: Any, name: str | None = None, **options: Any) -> None:
        # Each app's table registers itself when its models import it, at django.setup().
        if name is not None and name not in REGISTRY:
            raise CommandError(f"Unknown workflow '{name}'. Known: {', '.join(sorted(REGISTRY))}")
        for workflow_name in [name] if name else sorted(REGISTRY):
            self.stdout.write(REGISTRY[workflow_name].as_dot())
