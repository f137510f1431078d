"""Listings kept true by their owners.

Organisation administrators propose changes (or confirm that nothing
changed); the coordinator of the listing's country approves or rejects them;
professionals claim listings that nobody holds; reminders go out before a
listing goes stale. `listing` holds the editable part of a listing as plain
values, `services` the writes, `selectors` the reads, `views` the pages; the
listing page shows the owners' actions through relais.directory.panels, so
that the directory does not depend on this app.
"""
