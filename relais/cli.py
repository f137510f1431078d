"""The `relais` command: Django's manage.py, installed as a console script."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # The project's own commands are spelt with hyphens (`relais load-reference`);
    # Django names command modules with underscores.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
