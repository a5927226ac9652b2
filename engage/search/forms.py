from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, SubmitField

from ..core.forms import EngageForm


class RebuildForm(EngageForm):
    # Off unless asked for: a page that reloads itself moves a screen reader back to the top.
    auto_refresh = BooleanField("Update the progress page by itself every few seconds", default=False,
                                widget=GovCheckboxInput(),
                                description="Leave this unticked to check the progress yourself with a link.")
    submit = SubmitField("Rebuild the search index", widget=GovSubmitInput())
