"""Account services: accounts and passwords, signed-in sessions, the per-account login
limit, and a person's data (download, deletion, disabling).

Every function here flushes and never commits: the caller owns the transaction.
"""

from app.auth.queries import find_user_by_email
from app.auth.services.accounts import (
    authenticate,
    change_password,
    check_password_strength,
    confirm_email,
    create_admin,
    hash_password,
    needs_rehash,
    normalise_email,
    password_problem,
    register_user,
    request_password_reset,
    reset_password,
    update_profile,
    user_for_reset_token,
    verify_password,
)
from app.auth.services.personal_data import delete_account, set_account_disabled
from app.auth.services.sessions import (
    end_all_sessions,
    end_other_sessions,
    end_session,
    start_session,
    touch_session,
)
from app.auth.services.throttle import (
    login_wait,
    record_login_failure,
    record_login_success,
)

__all__ = [
    "authenticate",
    "change_password",
    "check_password_strength",
    "confirm_email",
    "create_admin",
    "delete_account",
    "end_all_sessions",
    "end_other_sessions",
    "end_session",
    "find_user_by_email",
    "hash_password",
    "login_wait",
    "record_login_failure",
    "record_login_success",
    "needs_rehash",
    "normalise_email",
    "password_problem",
    "register_user",
    "request_password_reset",
    "reset_password",
    "set_account_disabled",
    "start_session",
    "touch_session",
    "update_profile",
    "user_for_reset_token",
    "verify_password",
]
