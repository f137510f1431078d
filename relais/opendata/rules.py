"""Who may bring data into the directory: `rules.has_perm("opendata.import", user)`."""

import rules

from relais.core.rules import is_platform_admin

# Bulk imports change many listings at once: platform administrators only.
rules.add_perm("opendata.import", is_platform_admin)
