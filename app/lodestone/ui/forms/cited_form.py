"""A record form with the Sources panel under its fields: the company, deal and event forms.

The panel lives here rather than in `base` because it opens the add-citation dialog, which
holds a source form, itself a `RecordForm`: `base` importing the panel would close a circle.
"""

from __future__ import annotations

from lodestone.ui.forms.base import RecordForm
from lodestone.ui.forms.citations import CitationsPanel


class CitedRecordForm(RecordForm):
    """A RecordForm whose record can cite sources, listed under its fields."""

    def add_citations(self, field_titles: dict[str, str]) -> CitationsPanel:
        panel = CitationsPanel(self.ctx, self.KIND, self.body, field_titles)
        self.body_layout.addWidget(panel)
        return panel
