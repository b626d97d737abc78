"""Fixtures shared by every Qt test: an `AppContext` over a fresh tracker in a temporary folder.

Each test gets its own database file and data folder, so nothing leaks between tests and no
test ever touches the analyst's real tracker or settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lodestone.core.paths import AppPaths
from lodestone.core.storage import Repository
from lodestone.ui.context import AppContext

ContextFactory = Callable[..., AppContext]

# The offscreen platform cannot raise, resize or grab for popups (completer lists, combo boxes,
# menus); it says so as a warning. Those say nothing about the app, so only they are ignored.
OFFSCREEN_LIMITS = r"This plugin does not support (raise|grabbing|propagateSizeHints)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_LIMITS))


@pytest.fixture
def make_ctx(tmp_path: Path, qapp) -> Iterator[ContextFactory]:
    """Build contexts on demand (`make_ctx()`, `make_ctx(readonly=True)`, `make_ctx(name=...)`);
    all are closed at teardown. A read-only context opens an existing file read-only, creating
    the tracker first when the test has not."""
    made: list[AppContext] = []

    def build(*, name: str = "t.db", readonly: bool = False) -> AppContext:
        path = tmp_path / name
        if readonly and not path.exists():
            Repository.open(path).close()
        repo = Repository.open(path, readonly=readonly) if readonly else Repository.open(path)
        ctx = AppContext.create(repo, AppPaths(tmp_path / "home"), path, readonly=readonly)
        made.append(ctx)
        return ctx

    yield build
    for ctx in reversed(made):
        ctx.undo_stack.clear()
        ctx.close()


@pytest.fixture
def ctx(make_ctx: ContextFactory) -> AppContext:
    """A writable context over a new, empty tracker `t.db` in the test's temporary folder."""
    return make_ctx()


@pytest.fixture
def show_widget(qtbot) -> Callable:
    """Show a top-level widget as the active window (so shortcuts and Tab work like on a
    desktop) and close it at teardown: `form = show_widget(CompanyForm(ctx))`."""

    def show(widget):
        qtbot.addWidget(widget)
        with qtbot.waitActive(widget):
            widget.show()
            widget.activateWindow()
        return widget

    return show


@pytest.fixture
def example_ctx(make_ctx: ContextFactory) -> AppContext:
    """A writable context over the example tracker, in the test's temporary folder."""
    from lodestone.core.samples.example import load_example

    ctx = make_ctx(name="example.db")
    load_example(ctx.repo)
    return ctx
