"""The password policy: long enough, not too long, and not easy to guess."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from relais.accounts.models import User


@pytest.mark.parametrize(
    "password",
    [
        "passwordpassword",
        "123456789012",
        "aaaaaaaaaaaa",
        "qwertyuiopasdf",
        "abcdefghijklmnop",
        "iloveyou12345",
        "Password12345!",
    ],
)
def test_repeated_sequential_and_common_passwords_are_refused(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert "password_too_guessable" in [e.code for e in refused.value.error_list]


def test_the_persons_own_address_and_name_are_known_words():
    user = User(email="marguerite.vandenberghe@ngo.example.org", first_name="Zofia")
    with pytest.raises(ValidationError):
        validate_password("vandenberghe2024", user)
    validate_password("vandenberghe2024", User(email="someone@example.org"))


@pytest.mark.parametrize(
    "password",
    [
        "fictitious-pass-phrase-1",
        "correct horse battery staple",
        "Zq8vR2mP9xWk",
        "demo-" + "Q3xN8rT2vL6mW9pB",
        "a long pass phrase of many words about rivers, lanterns, "
        "ferries and the quiet harbour at the end of the northern line " * 2,
    ],
)
def test_pass_phrases_and_random_passwords_are_accepted(password):
    validate_password(password)


def test_the_refusal_is_translated():
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        validate_password("passwordpassword")
    messages = " ".join(refused.value.messages)
    assert "deviner" in messages
