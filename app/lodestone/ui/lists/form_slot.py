"""The record form beside a list, built when first needed.

A form is tens of fields, a tranche table and pickers: tens of milliseconds to build, and
nothing a start or a switch of view shows first. So the list page gives the splitter an empty
room of the form's width, builds the form just after the list is painted (or as soon as
anything asks for it), and until then keeps the record chosen in the list for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QSplitter, QWidget

from lodestone.core.records import COMPANY, DEAL, EVENT, SOURCE, record_kind
from lodestone.ui.context import AppContext

if TYPE_CHECKING:  # the forms load with the first one built
    from lodestone.ui.forms.base import RecordForm

FORM_MIN_WIDTH = 300


# Each record kind's form: (module, class), imported when first built so each loads only
# when shown.
FORM_CLASSES = {
    COMPANY: ("lodestone.ui.forms.company_form", "CompanyForm"),
    DEAL: ("lodestone.ui.forms.deal_form", "DealForm"),
    EVENT: ("lodestone.ui.forms.event_form", "EventForm"),
    SOURCE: ("lodestone.ui.forms.source_form", "SourceForm"),
}


def make_form(ctx: AppContext, kind: str) -> RecordForm:
    """The form for a kind of record."""
    module, name = FORM_CLASSES[record_kind(kind)]
    form: RecordForm = getattr(importlib.import_module(module), name)(ctx)
    return form


class FormSlot:
    """The form in the splitter's second place: `form()` builds it (once) on demand."""

    def __init__(self, ctx: AppContext, kind: str, splitter: QSplitter,
                 wire: Callable[[RecordForm], None]) -> None:  # fmt: skip
        self._ctx, self._kind, self._splitter, self._wire = ctx, kind, splitter, wire
        self._form: RecordForm | None = None
        self._waiting_id: int | None = None  # chosen in the list before the form was built
        room = QWidget()
        room.setMinimumWidth(FORM_MIN_WIDTH)
        splitter.addWidget(room)

    @property
    def built(self) -> bool:
        return self._form is not None

    def form(self) -> RecordForm:
        """The form, built now if it was not yet, showing the record chosen meanwhile."""
        if self._form is None:
            form = make_form(self._ctx, self._kind)
            form.setMinimumWidth(FORM_MIN_WIDTH)
            self._wire(form)
            sizes = self._splitter.sizes()
            placeholder = self._splitter.replaceWidget(1, form)
            if placeholder is not None:
                placeholder.deleteLater()
            self._splitter.setSizes(sizes)  # the list stays where it was painted
            self._form = form
            if self._waiting_id is not None:
                form.load(self._ctx.repo.get(self._kind, self._waiting_id))
        return self._form

    def shown_id(self) -> int | None:
        """The record the form shows, or will show once built."""
        return self._waiting_id if self._form is None else self._form.current_id

    def has_edits(self) -> bool:
        return self._form is not None and self._form.is_dirty()

    def may_leave(self, parent: QWidget) -> bool:
        """Whether the form's edits (if any) were saved or knowingly discarded."""
        if self._form is None:
            return True
        from lodestone.ui.forms.base import confirm_leave

        return confirm_leave(self._form, parent)

    def show_record(self, record_id: int | None) -> None:
        """Show this record (None: a blank form), or keep it for the form not built yet."""
        if self._form is None:
            self._waiting_id = record_id
        else:
            record = None if record_id is None else self._ctx.repo.get(self._kind, record_id)
            self._form.load(record)

    def forget(self, record_id: int) -> None:
        """The record is going away (deleted): the form must not keep showing it."""
        if self._form is None:
            if self._waiting_id == record_id:
                self._waiting_id = None
        elif self._form.current_id == record_id:
            self._form.load(None)
