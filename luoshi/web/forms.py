"""The sign-in form, with the username's length enforced before anything stores it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class SignInForm(AuthenticationForm):
    """Django's sign-in form sets the username's max_length after the field is built, so nothing checks it:
    a 25,000-character username reached authenticate() and the failed-sign-in records (a 255-character
    column), and PostgreSQL answered 500. Checked here, an over-long name is a plain "wrong name"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        assert isinstance(username, forms.CharField)
        if username.max_length:
            username.validators.append(MaxLengthValidator(username.max_length))
