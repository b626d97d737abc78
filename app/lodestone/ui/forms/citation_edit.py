"""What a citation says besides its source — the field it backs and the quote — and the small
dialog that changes them on a citation already made (one step of the undo history).

The fields, the check of the quote and the line that says why the tracker refused are shared
with the dialog that adds a citation, so both read and refuse alike.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from lodestone.core.history import REFUSALS, EditCitation, Operation, refusal_sentence
from lodestone.core.records import TEXT_LIMIT, Citation, FieldChecks
from lodestone.ui.context import AppContext
from lodestone.ui.forms.field_base import ERROR_STYLE
from lodestone.ui.forms.fields import ChoiceField, MultilineField

log = logging.getLogger(__name__)


def citation_fields(field_titles: dict[str, str]) -> tuple[ChoiceField, MultilineField]:
    """The "About field" choice (blank: the record as a whole) and the quote."""
    field = ChoiceField(
        "field", list(field_titles), "About field", optional=True, titles=field_titles,
        object_name="citation.field",
    )  # fmt: skip
    return field, MultilineField("quote", "Quote", object_name="citation.quote")


def checked_quote(quote: MultilineField) -> str | None:
    """The quote as it will be stored, or None with the reason shown under it."""
    checks = FieldChecks()
    checks.text("quote", quote.value(), TEXT_LIMIT, multiline=True, label="Quote")
    quote.set_error(checks.errors[0].message if checks.errors else None)
    return None if checks.errors else quote.value()


def problem_label(parent: QWidget) -> QLabel:
    """The line that says why the tracker refused (hidden until it has something to say)."""
    label = QLabel(parent)
    label.setObjectName("citation.problem")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def run_or_say(ctx: AppContext, operation: Operation, what: str, problem: QLabel) -> bool:
    """Apply a citation change as a step of the history; False, with the reason on `problem`
    (and the traceback in the log), when the tracker refuses."""
    try:
        ctx.run(operation)
    except REFUSALS as exc:
        log.info("%s", what, exc_info=exc)
        problem.setText(refusal_sentence(what, exc))
        problem.show()
        return False
    return True


class EditCitationDialog(QDialog):
    """Change the field a citation backs and its quote; the source stays."""

    def __init__(self, ctx: AppContext, citation: Citation, source_text: str,
                 field_titles: dict[str, str], parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.citation = citation
        self.setObjectName("citationEditDialog")
        self.setWindowTitle("Edit citation")
        layout = QVBoxLayout(self)
        source = QLabel(source_text, self)
        source.setWordWrap(True)
        layout.addWidget(source)
        self.field, self.quote = citation_fields(field_titles)
        self.field.set_value(citation.field)
        self.quote.set_value(citation.quote)
        layout.addWidget(self.field)
        layout.addWidget(self.quote)
        self.problem = problem_label(self)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("citation.save")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, 320)

    def accept(self) -> None:
        quote = checked_quote(self.quote)
        if quote is None:
            self.quote.focus()
            return
        field = self.field.value()
        unchanged = (field, quote) == (self.citation.field, self.citation.quote)
        assert self.citation.id is not None
        edit = EditCitation(self.citation.id, field, quote)
        if unchanged or run_or_say(self.ctx, edit, "The citation was not changed", self.problem):
            self.problem.hide()
            super().accept()
