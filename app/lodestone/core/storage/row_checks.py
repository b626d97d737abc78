"""The forms' rules applied to table rows, for writers that store rows rather than records.

A snapshot restore reads each file as the rows of one table: a company, a deal's tranche, a
tag. Each row is read back into the record it pictures (`rowmap`) and checked by the same
validation as a form (`records.validation`), so a record the forms would refuse is refused
here too, with the field named as the table's column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from lodestone.core.records import rowmap
from lodestone.core.records.fieldcheck import FieldChecks, FieldError, field_label
from lodestone.core.records.kinds import validate
from lodestone.core.records.model import Deal
from lodestone.core.records.validation import validate_deal

Row = dict[str, Any]


_NO_CHILDREN: dict[str, list[Row]] = {"deal_parties": [], "tranches": []}
_NO_COMPANIES: dict[str, list[Row]] = {"event_companies": []}


def _renamed(error: FieldError, field: str) -> FieldError:
    """The error named by `field`, in its message too ("Amount", not "Tranche 1 amount")."""
    return FieldError(field, error.message.replace(field_label(error.field), field_label(field), 1))


def _child_of_deal(prefix: str, build: Callable[[Row], Deal]) -> Callable[[Row], list[FieldError]]:
    """A deal's child row checked as the only child of an otherwise valid deal; its errors
    named by the child's own columns ("amount", not "tranches[0].amount")."""

    def check(row: Row) -> list[FieldError]:
        errors = validate_deal(build(row))
        return [_renamed(e, e.field.removeprefix(prefix)) for e in errors
                if e.field.startswith(prefix)]  # fmt: skip

    return check


def _tags(row: Row) -> list[FieldError]:
    checks = FieldChecks()
    checks.tags([row["tag"]])
    return checks.errors


ROW_CHECKS: dict[str, Callable[[Row], list[FieldError]]] = {
    "companies": lambda row: validate(rowmap.company_from(row, {}, [])),
    "deals": lambda row: validate(rowmap.deal_from(row, _NO_CHILDREN, [])),
    "events": lambda row: validate(rowmap.event_from(row, _NO_COMPANIES, [])),
    "sources": lambda row: validate(rowmap.source_from(row, {}, [])),
    "tranches": _child_of_deal("tranches[0].", lambda row: rowmap.deal_from(
        {**_EMPTY_DEAL, "id": row["deal_id"]},
        {"deal_parties": [], "tranches": [{"id": None, **row}]}, [])),
    "deal_parties": _child_of_deal("parties[0].", lambda row: rowmap.deal_from(
        {**_EMPTY_DEAL, "id": row["deal_id"]}, {"deal_parties": [row], "tranches": []}, [])),
    "tags": _tags,
}  # fmt: skip

_EMPTY_DEAL: Row = {"title": "-", **rowmap.deal_row(Deal(title="-"))}


def row_errors(table: str, row: Row) -> list[FieldError]:
    """What the forms would refuse in a row of `table` (nothing for tables they never edit)."""
    check = ROW_CHECKS.get(table)
    return [] if check is None else check(row)


def first_refused(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
                  ) -> tuple[int, FieldError] | None:  # fmt: skip
    """The position in `rows` (each a sequence of `columns`' values) of the first row the
    forms would refuse, with its first error; None when every row passes."""
    check = ROW_CHECKS.get(table)
    if check is None:
        return None
    for position, values in enumerate(rows):
        errors = check(dict(zip(columns, values, strict=True)))
        if errors:
            return position, errors[0]
    return None
