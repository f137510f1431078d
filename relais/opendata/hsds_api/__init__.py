"""The Open Referral HSDS 3.0 API under `/api/hsds/` (django-ninja, read-only)."""
