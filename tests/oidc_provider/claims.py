"""What the provider says about its users: a stable subject, and the profile and e-mail claims."""

from typing import Any


def subject(user: Any) -> str:
    return f"gov-{user.username}"


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims["name"] = user.get_full_name() or user.username
    claims["preferred_username"] = user.username
    claims["email"] = user.email
    # The provider has checked an address only when the test says so (its "first_name" carries the flag).
    claims["email_verified"] = user.first_name == "verified"
    return claims
