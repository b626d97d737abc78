"""RecordForm: the edit-in-place form beside each list, and the rules every form keeps.

Nothing typed is ever lost: a refused save keeps every text as typed and says, next to each
field, what is wrong; a form only reloads itself from the tracker when it holds no edits;
leaving a dirty form asks first (`confirm_leave`). Saving goes through `ctx.run`, so every
save is one undoable step, and an undo shows up in the form because the form listens to the
tracker's change signal.
"""

from __future__ import annotations

import copy
import sqlite3
from typing import Protocol, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.history import save_operation
from lodestone.core.records import FieldError, Record, record_kind, validate
from lodestone.core.storage import InvalidRecord, RecordNotFound, SaveFailed
from lodestone.ui.context import AppContext
from lodestone.ui.forms.field_base import Field
from lodestone.ui.forms.header import FormHeader

FieldT = TypeVar("FieldT", bound=Field)

BUSY_RETRIES = 20  # about ten seconds of another program's write before "Not saved"
BUSY_RETRY_MS = 500


class SourcesPanel(Protocol):
    """What a form asks of the Sources panel under its fields (see `cited_form`)."""

    def set_record(self, record_id: int | None) -> None: ...

    def focus_widgets(self) -> list[QWidget]: ...


class RecordForm(QWidget):
    """Base of the company, deal, event and source forms.

    Subclasses set KIND, build their fields in `build()` with `add_field` (in visual order:
    that is also the Tab order), and give `blank()`. Fields named like the record's attributes
    are filled and read automatically; override `fill`/`gather` for anything else (the deal's
    tranches) and `field_for_error` to map nested error paths ("tranches[0].amount").
    """

    KIND = ""

    dirtyChanged = Signal(bool)
    savedRecord = Signal(str, int)
    openRecord = Signal(str, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.fields: list[Field] = []
        self._record: Record | None = None
        self._dirty = False
        self._busy_tries = 0  # saves retried while another program writes the file
        self.setObjectName(f"{self.KIND}Form")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.header = FormHeader(self, self.KIND, self.save, self.revert, ctx.readonly)
        self.title_label = self.header.title
        self.save_button, self.revert_button = self.header.save_button, self.header.revert_button
        self.save_action, self.revert_action = self.header.save_action, self.header.revert_action
        outer.addWidget(self.header)
        scroll = QScrollArea(self)
        scroll.setObjectName(f"{self.KIND}.scroll")
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field, no stop here
        self.body = QWidget(scroll)
        self.body_layout = QVBoxLayout(self.body)
        self.form_layout = QFormLayout()
        self.form_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.body_layout.addLayout(self.form_layout)
        scroll.setWidget(self.body)
        outer.addWidget(scroll, 1)
        self.build()
        titles = {f.field: f.label_text for f in self.fields if "[" not in f.field}
        self.citations = self.add_citations(titles)
        self.body_layout.addStretch(1)
        ctx.notifier.changed.connect(self._on_changed)
        self.load(None)
        self._chain_tab_order()

    # -- building --------------------------------------------------------------------------------

    def set_embedded(self, embedded: bool) -> None:
        """Inside another window (the new-source dialog) the owner saves; hide the header."""
        self.header.set_embedded(embedded)

    def add_citations(self, field_titles: dict[str, str]) -> SourcesPanel | None:
        """Place the Sources panel under the fields and return it; a form without one (the
        source form: a source is what others cite) keeps this default, None."""
        return None

    def build(self) -> None:
        """Create the fields with `add_field`, top to bottom."""
        raise NotImplementedError

    def blank(self) -> Record:
        """The record a new, empty form stands for."""
        raise NotImplementedError

    def add_field(self, field: FieldT) -> FieldT:
        """Place a field (its label in the label column) and watch it for edits."""
        self.form_layout.addRow(field.label, field)
        self.register_field(field)
        return field

    def register_field(self, field: Field) -> None:
        """Watch a field placed elsewhere by the subclass (a tranche row, say)."""
        self.fields.append(field)
        field.edited.connect(self.update_dirty)
        field.set_read_only(self.ctx.readonly)

    def _chain_tab_order(self) -> None:
        chain = self.focus_chain()
        if self.citations is not None:
            chain += self.citations.focus_widgets()
        chain += [self.save_button, self.revert_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def focus_chain(self) -> list[QWidget]:
        """The form's own widgets in Tab order, top to bottom; subclasses with sections of
        their own (a button beside a field, a table of tranches) put them where they show."""
        return [w for f in self.fields for w in f.focus_widgets()]

    # -- loading -----------------------------------------------------------------------------------

    @property
    def current_id(self) -> int | None:
        return None if self._record is None else self._record.id

    def record(self) -> Record | None:
        """The record as last loaded (not including unsaved edits)."""
        return self._record

    def load(self, record: Record | None) -> None:
        """Show a record (None = a new blank one); discards edits, so ask `confirm_leave` first."""
        self._record = copy.deepcopy(record)
        self.fill(record if record is not None else self.blank())
        self.show_errors([])
        self.header.show_notice("")
        self.title_label.setText(self.heading())
        if self.citations is not None:
            self.citations.set_record(self.current_id)
        self.update_dirty()

    def heading(self) -> str:
        noun = record_kind(self.KIND).title
        if self._record is None:
            return f"New {noun.lower()}"
        deleted = self.current_id is not None and self.ctx.repo.is_deleted(
            self.KIND, self.current_id
        )
        return f"{noun}: {self._record.label}" + (" (in the Trash)" if deleted else "")

    def fill(self, record: Record) -> None:
        for field in self.fields:
            if hasattr(record, field.attribute):
                field.set_value(getattr(record, field.attribute))

    def revert(self) -> None:
        """Esc: throw away the edits and show the record as it is now in the tracker."""
        if self.current_id is None:
            self.load(None)
            return
        try:
            self.load(self.ctx.repo.get(self.KIND, self.current_id))
        except RecordNotFound:
            self.load(None)

    def _on_changed(self, kind: str, ids: list) -> None:
        """Show a change made elsewhere (undo, another view) unless the analyst is editing."""
        if kind == self.KIND and self.current_id in ids:
            if self.is_dirty():
                self.header.show_notice(
                    "This record was changed elsewhere (an undo, another view). Save keeps "
                    "what is in the form; Revert shows the stored version."
                )
            else:
                self.revert()
        self.related_changed(kind, ids)

    def related_changed(self, kind: str, ids: list) -> None:
        """Hook: refresh lists of other records this form shows (a company's deals)."""

    # -- dirtiness ---------------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        return any(field.is_modified() for field in self.fields) or self.extra_dirty()

    def extra_dirty(self) -> bool:
        """Hook: edits outside the registered fields (rows added or removed)."""
        return False

    def update_dirty(self) -> None:
        dirty = self.is_dirty()
        self.header.set_dirty(dirty)
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    # -- saving ------------------------------------------------------------------------------------

    def gather(self) -> tuple[Record, list[FieldError]]:
        """The record the fields describe, and the errors of fields that cannot be read (those
        keep the loaded value in the record, which is not saved anyway)."""
        record = copy.deepcopy(self._record) if self._record is not None else self.blank()
        errors: list[FieldError] = []
        for field in self.fields:
            if not hasattr(record, field.attribute):
                continue
            value, error = field.parse()
            if error is not None:
                errors.append(error)
            else:
                setattr(record, field.attribute, value)
        return record, errors

    def field_for_error(self, path: str) -> Field | None:
        """The field that shows an error reported under `path` ("tags", "tranches[0].amount")."""
        for field in self.fields:
            if field.field == path:
                return field
        root = path.split("[")[0].split(".")[0]
        return next((f for f in self.fields if f.field == root), None) if root != path else None

    def show_errors(self, errors: list[FieldError]) -> None:
        """Each message next to its field (the rest above the form); focus the first one."""
        for field in self.fields:
            field.set_error(None)
        by_field: dict[int, list[str]] = {}
        general: list[str] = []
        for error in errors:
            shown_by = self.field_for_error(error.field)
            if shown_by is None:
                general.append(error.message)
            elif error.message not in by_field.setdefault(id(shown_by), []):
                by_field[id(shown_by)].append(error.message)
        for field in self.fields:
            if id(field) in by_field:
                field.set_error("\n".join(by_field[id(field)]))
        self.header.show_errors(general)
        first = next((f for f in self.fields if id(f) in by_field), None)
        if first is not None:
            first.focus()

    def _save_failed(self, failure: SaveFailed) -> None:
        """Nothing was written and the typing stays. Another program holding the file is
        usually done in a moment: say so and try again, without freezing the window."""
        if failure.reason == "busy" and self._busy_tries < BUSY_RETRIES:
            self._busy_tries += 1
            self.show_errors([FieldError("", _retry_label(self._busy_tries))])
            QTimer.singleShot(BUSY_RETRY_MS, self._retry_save)
            return
        self._busy_tries = 0
        self.show_errors([FieldError("", str(failure))])

    def _retry_save(self) -> None:
        if self.is_dirty() and self.save():
            self.show_errors([])

    def save(self) -> bool:
        """Validate; show what is wrong and write nothing, or save as one undoable step."""
        if self.ctx.readonly:
            return False
        if self.current_id is not None and not self.is_dirty():
            return True  # nothing to write: no empty step on the undo stack
        record, errors = self.gather()
        unreadable = {error.field for error in errors}
        errors += [e for e in validate(record) if e.field not in unreadable]
        if errors:
            self.show_errors(errors)
            return False
        operation = save_operation(self.ctx.repo, record)
        try:
            self.ctx.run(operation)
        except InvalidRecord as exc:
            self.show_errors(list(exc.errors))
            return False
        except SaveFailed as exc:
            self._save_failed(exc)
            return False
        except (sqlite3.Error, RecordNotFound) as exc:
            self.show_errors([FieldError("", f"The record could not be saved: {exc}")])
            return False
        self._busy_tries = 0
        saved_id = operation.record.id
        assert saved_id is not None
        self.load(self.ctx.repo.get(self.KIND, saved_id))
        self.savedRecord.emit(self.KIND, saved_id)
        return True


def _retry_label(tries: int) -> str:
    return "The tracker is busy: another program is writing to it. Retrying" + "." * tries


def confirm_leave(form: RecordForm, parent: QWidget | None = None) -> bool:
    """Before showing another record or closing: Save, Discard or Cancel the form's edits.
    True when it is fine to go on (saved, discarded, or nothing to lose)."""
    if not form.is_dirty():
        return True
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.warning(
        parent or form,
        "Unsaved changes",
        f"{form.heading()} has changes that are not saved.\nSave them before leaving?",
        buttons.Save | buttons.Discard | buttons.Cancel,
        buttons.Save,
    )
    if answer == buttons.Save:
        return form.save()
    if answer == buttons.Discard:
        form.revert()
        return True
    return False
