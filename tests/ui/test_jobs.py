"""A job in the thread pool: its own bookkeeping runs before anyone hears it is done, so an
owner that forgets the job on hearing it leaves no call queued for a job about to be freed."""

from __future__ import annotations

import pytest
from lodestone.ui.jobs.runner import Job


@pytest.mark.parametrize("fails", [False, True])
def test_the_job_is_finished_before_its_owner_hears(qtbot, fails: bool) -> None:
    def work(_context) -> int:
        if fails:
            raise OSError("disk gone")
        return 42

    job = Job(work)
    heard: list[tuple[object, bool]] = []
    signal = job.failed if fails else job.done
    signal.connect(lambda value: heard.append((value, job.running)))  # an owner's slot
    with qtbot.waitSignal(signal):
        job.start()
    assert heard == [("disk gone" if fails else 42, False)]
