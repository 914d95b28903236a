"""Staff: accounts, sign-in, sessions, API keys and roles.

The public module: other areas import only these names, from here.
"""

from dashboard.services.staff.auth import StaffIdentity

__all__ = [
    "StaffIdentity",
]
