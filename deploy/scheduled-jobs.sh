#!/bin/sh
# The worker container of deploy/compose.yaml: every scheduled job once at
# start, then once a day. Hosts with systemd use deploy/systemd/*.timer
# instead. A failed job is reported here and, after its allowance
# (RELAIS_JOB_HOURS_*), by /healthz/ready.
set -u
while true; do
    relais verification-reminders || echo "scheduled job failed: verification-reminders" >&2
    relais purge-access-requests || echo "scheduled job failed: purge-access-requests" >&2
    relais audit verify || echo "scheduled job failed: audit verify" >&2
    relais event-reminders || echo "scheduled job failed: event-reminders" >&2
    relais purge-event-participants || echo "scheduled job failed: purge-event-participants" >&2
    sleep 86400
done
