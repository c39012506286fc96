from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import StyledForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TokenForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for."))
    expires_on = forms.DateField(
        label=_("Expires on"), widget=DATE, help_text=_("A year from today at most.")
    )
