#!/bin/sh
# The worker container of deploy/compose.yaml: every scheduled job once at
# start, then once a day (referral reminders every hour). Hosts with
# systemd use deploy/systemd/*.timer instead. A failed job is reported here and, after its allowance
# (RELAIS_JOB_HOURS_*), by /healthz/ready.
set -u
while true; do
    relais verification-reminders || echo "scheduled job failed: verification-reminders" >&2
    relais purge-access-requests || echo "scheduled job failed: purge-access-requests" >&2
    relais audit verify || echo "scheduled job failed: audit verify" >&2
    relais event-reminders || echo "scheduled job failed: event-reminders" >&2
    relais purge-event-participants || echo "scheduled job failed: purge-event-participants" >&2
    relais purge || echo "scheduled job failed: purge" >&2
    # Hourly: unanswered referrals are reminded within the hour they are due.
    for _ in $(seq 1 24); do
        relais referral-reminders || echo "scheduled job failed: referral-reminders" >&2
        sleep 3600
    done
done
