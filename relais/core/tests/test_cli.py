import os
import subprocess
import sys

import pytest
from django.core.management import call_command


def test_migrations_match_the_models(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    "command", ["load-reference", "generate-demo", "load-vocabularies"]
)
def test_relais_command_accepts_the_hyphenated_names(command):
    result = subprocess.run(
        [sys.executable, "-m", "relais.cli", command, "--help"],
        env={**os.environ, "RELAIS_PROFILE": "development"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
