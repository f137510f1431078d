from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.knowledge.i18n import (
    sources_stamp,
    translation_languages,
    translation_states,
)


class Command(BaseCommand):
    help = (
        "List, per language, the knowledge texts (handbook, good practices, "
        "legislation summaries, rights matrix) whose translation is missing or "
        "out of date (the English changed since). With --stamp LANG, record "
        "that LANG's translation files now translate the current English."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("languages", nargs="*", help="e.g. fr ro (all if none)")
        parser.add_argument(
            "--stamp",
            action="store_true",
            help="after refreshing a translation: record the English it translates",
        )
        parser.add_argument(
            "--verbose-missing", action="store_true", help="list missing items too"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        languages = options["languages"] or translation_languages()
        unknown = set(languages) - set(translation_languages())
        if unknown:
            raise CommandError(f"Not a translation language: {', '.join(unknown)}")
        for language in languages:
            if options["stamp"]:
                count = sources_stamp(language)
                self.stdout.write(f"{language}: {count} translated texts stamped.")
                continue
            states = translation_states(language)
            counts = {s: sum(1 for _k, x in states if x == s) for s in
                      ("loaded", "stale", "missing")}  # fmt: skip
            self.stdout.write(
                f"{language}: {counts['loaded']} current, {counts['stale']} out "
                f"of date, {counts['missing']} not translated."
            )
            for key, state in states:
                if state == "stale" or (
                    state == "missing" and options["verbose_missing"]
                ):
                    self.stdout.write(f"  {state}: {key}")
