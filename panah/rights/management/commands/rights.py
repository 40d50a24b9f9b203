"""`panah rights load|check`: bring the know-your-rights library in from its files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.rights.content import ContentError, load_articles
from panah.rights.services import library_load


class Command(BaseCommand):
    help = "Check the know-your-rights files, or load them as draft versions for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load", "check"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            articles = load_articles()
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
        if action == "check":
            self.stdout.write(f"{len(articles)} articles, 4 languages each: the files are valid.")
            return
        result = library_load(articles)
        self.stdout.write(
            f"{result.articles} articles: {result.new_versions} new draft versions to review, "
            f"{result.unchanged} unchanged, {result.retired} no longer in the library."
        )
