"""The parties of a deal: each a company (picked by name) with its role, added and removed.

A deal has a handful of parties, so they are rows of ordinary fields rather than a table:
each company picker shows its own error under it, numbered the way validation numbers them
("Party 2 company: no company is named …"), and the numbers follow when a row is removed.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from lodestone.core.records import PARTY_ROLES, FieldError, Party, field_label
from lodestone.core.storage import Repository
from lodestone.ui.forms.field_base import ERROR_STYLE
from lodestone.ui.forms.fields import ChoiceField, CompanyPicker

_PARTY_FIELD = re.compile(r"parties\[([0-9]+)\](?:\.(\w+))?")


class PartyRow(QWidget):
    """One party: a company picker, a role and a Remove button on one line."""

    def __init__(self, repo: Repository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.company = CompanyPicker("parties[0].company_id", repo, "Company",
                                     object_name="party.company", parent=self)  # fmt: skip
        self.role = ChoiceField("parties[0].role", PARTY_ROLES, "Role",
                                object_name="party.role", parent=self)  # fmt: skip
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("party.remove")
        self.remove_button.setAutoDefault(False)
        for field in (self.company, self.role):
            field.label.hide()  # the section's "Parties" label names them all
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.company, 3)
        layout.addWidget(self.role, 1)
        layout.addWidget(self.remove_button)

    def number(self, index: int) -> None:
        """Name the row's fields after its position, as validation names them."""
        for field, leaf in ((self.company, "company_id"), (self.role, "role")):
            field.field = f"parties[{index}].{leaf}"
            field.label_text = field_label(field.field)
            field.editor.setAccessibleName(field.label_text)
        self.remove_button.setAccessibleName(f"Remove party {index + 1}")

    def texts(self) -> tuple[str, str]:
        return self.company.text(), self.role.text()


class PartiesEditor(QWidget):
    """Add, remove and edit a deal's parties; `parties()` reads them back with their errors."""

    edited = Signal()
    rowsChanged = Signal()  # a row was added or removed: the tab order needs redoing

    def __init__(self, repo: Repository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deal.parties")
        self._repo = repo
        self._read_only = False
        self._baseline: list[tuple[str, str]] = []
        self.rows: list[PartyRow] = []
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton("Add Party", self)
        self.add_button.setObjectName("deal.parties.add")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_clicked)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("deal.parties.error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rows_layout)
        layout.addWidget(self.error_label)
        layout.addWidget(self.add_button)

    def set_parties(self, parties: list[Party]) -> None:
        """Show stored parties; what they show becomes what `is_modified` compares against."""
        while self.rows:
            self._drop(self.rows[-1])
        for party in parties:
            row = self._append()
            row.company.set_value(party.company_id)
            row.role.set_value(party.role)
        self._baseline = [row.texts() for row in self.rows]
        self.show_errors([])

    def add_party(self) -> PartyRow:
        row = self._append()
        row.role.set_value(Party.role)
        row.company.focus()
        self.edited.emit()
        return row

    def _add_clicked(self) -> None:
        self.add_party()

    def remove_party(self, row: PartyRow) -> None:
        self._drop(row)
        self.edited.emit()

    def parties(self) -> tuple[list[Party], list[FieldError]]:
        """The parties as records (a company that cannot be found is None, which validation
        refuses) and the errors of the company names that cannot be read."""
        parties, errors = [], []
        for row in self.rows:
            company_id, error = row.company.parse()
            role, _ = row.role.parse()
            parties.append(Party(company_id=company_id, role=role))
            if error is not None:
                errors.append(error)
        return parties, errors

    def is_modified(self) -> bool:
        return [row.texts() for row in self.rows] != self._baseline

    def show_errors(self, errors: list[FieldError]) -> None:
        """Each message under its row's company or role; others under the whole list."""
        for row in self.rows:
            row.company.set_error(None)
            row.role.set_error(None)
        general: list[str] = []
        for error in errors:
            match = _PARTY_FIELD.fullmatch(error.field)
            if match is None or int(match.group(1)) >= len(self.rows):
                general.append(error.message)
                continue
            row = self.rows[int(match.group(1))]
            field = row.role if match.group(2) == "role" else row.company
            field.set_error("\n".join(filter(None, [field.error(), error.message])))
        self.error_label.setText("\n".join(general))
        self.error_label.setVisible(bool(general))

    def focus_first_error(self) -> bool:
        for row in self.rows:
            for field in (row.company, row.role):
                if field.error():
                    field.focus()
                    return True
        return False

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.add_button.setVisible(not read_only)
        for row in self.rows:
            self._apply_read_only(row)

    def focus_widgets(self) -> list[QWidget]:
        widgets: list[QWidget] = []
        for row in self.rows:
            widgets += [*row.company.focus_widgets(), *row.role.focus_widgets(), row.remove_button]
        return [*widgets, self.add_button]

    def _apply_read_only(self, row: PartyRow) -> None:
        row.company.set_read_only(self._read_only)
        row.role.set_read_only(self._read_only)
        row.remove_button.setVisible(not self._read_only)

    def _append(self) -> PartyRow:
        row = PartyRow(self._repo, self)
        row.remove_button.clicked.connect(lambda: self.remove_party(row))
        row.company.edited.connect(self.edited)
        row.role.edited.connect(self.edited)
        self.rows.append(row)
        self._rows_layout.addWidget(row)
        self._apply_read_only(row)
        self._renumber()
        return row

    def _drop(self, row: PartyRow) -> None:
        self.rows.remove(row)
        self._rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._renumber()

    def _renumber(self) -> None:
        for index, row in enumerate(self.rows):
            row.number(index)
        self.rowsChanged.emit()
