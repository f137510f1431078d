"""The workflow as a state machine (hypothesis): any sequence of actions, by
any party, with current or stale versions, leaves a valid referral."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from relais.referrals import services
from relais.referrals.models import FINAL_STATUSES, Outcome, Referral, Status
from relais.referrals.services import TRANSITIONS

from .conftest import consent, draft

pytestmark = pytest.mark.django_db

ACTORS = [
    "member_a",
    "admin_a",
    "observer_a",
    "member_b",
    "observer_b",
    "coordinator_ro",
]


def test_any_sequence_of_actions_keeps_the_referral_valid(people, org_a, org_b):
    class Workflow(RuleBasedStateMachine):
        @initialize(with_consent=st.booleans())
        def start(self, with_consent):
            self.referral = draft(people, org_a, org_b)
            if with_consent:
                consent(self.referral, people)
            self.model_status = Status.DRAFT
            self.model_version = Referral.objects.get(pk=self.referral.pk).version
            self.has_consent = with_consent

        @rule(
            action=st.sampled_from(sorted(TRANSITIONS)),
            actor=st.sampled_from(ACTORS),
            stale=st.booleans(),
            note=st.sampled_from(["", "a fictitious note"]),
            outcome=st.sampled_from(["", *Outcome.values]),
        )
        def act(self, action, actor, stale, note, outcome):
            version = self.model_version - 1 if stale else self.model_version
            transition = TRANSITIONS[action]
            user = people[actor]
            side = "sending" if actor.endswith("_a") else "receiving"
            expected_ok = (
                self.model_status in transition.sources
                and not stale
                and actor in {"member_a", "admin_a", "member_b"}
                and side == transition.side
                and (self.model_status != Status.DRAFT or side == "sending")
                and (not transition.note_required or bool(note))
                and (not transition.outcome_required or bool(outcome))
                and (action != "send" or self.has_consent)
            )
            try:
                services.referral_transition(
                    referral_id=self.referral.pk,
                    action=action,
                    actor=user,
                    version=version,
                    note=note,
                    outcome=outcome,
                )
            except (ValidationError, PermissionDenied):
                assert not expected_ok
            else:
                assert expected_ok
                self.model_status = transition.target
                self.model_version += 1

        @invariant()
        def matches_the_model(self):
            if not hasattr(self, "referral"):
                return
            stored = Referral.objects.get(pk=self.referral.pk)
            assert stored.status == self.model_status
            assert stored.version == self.model_version
            assert (stored.status == Status.CLOSED) == bool(stored.outcome)
            assert (stored.closed_at is not None) == (stored.status in FINAL_STATUSES)
            assert stored.timeline.filter(version=stored.version).exists()

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=40,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        ),
    )
