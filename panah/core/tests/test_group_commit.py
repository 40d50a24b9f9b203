"""Group commit with real threads: who writes, what each caller gets, and that nobody hangs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import pytest

from panah.core.group_commit import GroupCommit

TIMEOUT = 10


class Recorder:
    """A writer that records its batches; the first batch waits until released, so that the
    threads arriving meanwhile queue up behind it."""

    def __init__(self, outcome: Callable[[int], object] = lambda item: item * 10) -> None:
        self.batches: list[list[int]] = []
        self.first_started = threading.Event()
        self.release_first = threading.Event()
        self.outcome = outcome

    def __call__(self, items: Sequence[int]) -> list[object]:
        self.batches.append(list(items))
        if len(self.batches) == 1:
            self.first_started.set()
            assert self.release_first.wait(TIMEOUT)
        return [self.outcome(item) for item in items]


def submit_behind_a_write(
    group: GroupCommit[int, object], recorder: Recorder, first: int, rest: Sequence[int]
) -> dict[int, object]:
    """Submit `first`; while its batch is being written, submit `rest` from threads of their
    own and let the write finish once they all wait. Return each item's result or exception."""
    outcomes: dict[int, object] = {}

    def one(item: int) -> None:
        try:
            outcomes[item] = group.submit(item)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            outcomes[item] = exc

    threads = [threading.Thread(target=one, args=(first,))]
    threads[0].start()
    assert recorder.first_started.wait(TIMEOUT)
    threads += [threading.Thread(target=one, args=(item,)) for item in rest]
    for thread in threads[1:]:
        thread.start()
    for _ in range(TIMEOUT * 100):
        with group._lock:
            if len(group._waiting) == len(rest):
                break
        time.sleep(0.01)
    recorder.release_first.set()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a caller was never answered"
    return outcomes


def test_a_lone_caller_writes_at_once_in_a_batch_of_one():
    writes: list[list[int]] = []
    group: GroupCommit[int, int] = GroupCommit(lambda items: writes.append(list(items)) or [7])

    assert group.submit(1) == 7
    assert group.submit(2) == 7
    assert writes == [[1], [2]]


def test_callers_arriving_during_a_write_share_the_next_batch_and_get_their_own_outcome():
    recorder = Recorder()
    group: GroupCommit[int, object] = GroupCommit(recorder)

    outcomes = submit_behind_a_write(group, recorder, 1, [2, 3, 4])

    assert outcomes == {1: 10, 2: 20, 3: 30, 4: 40}
    assert recorder.batches[0] == [1]
    assert sorted(recorder.batches[1]) == [2, 3, 4]  # one write, one commit, for three
    assert len(recorder.batches) == 2
    assert not group._led


def test_a_batch_never_exceeds_its_size_and_every_caller_is_answered():
    recorder = Recorder()
    group: GroupCommit[int, object] = GroupCommit(recorder, max_batch=2)

    outcomes = submit_behind_a_write(group, recorder, 1, range(2, 8))

    assert outcomes == {item: item * 10 for item in range(1, 8)}
    assert [len(batch) for batch in recorder.batches] == [1, 2, 2, 2]
    assert not group._led


def test_an_outcome_that_is_an_exception_is_raised_for_that_caller_only():
    group: GroupCommit[int, object] = GroupCommit(
        lambda items: [ValueError(item) if item == 2 else item for item in items]
    )

    assert group.submit(1) == 1
    with pytest.raises(ValueError, match="2"):
        group.submit(2)
    assert group.submit(3) == 3


def test_a_failing_write_fails_its_batch_and_the_next_caller_leads_again():
    calls = []

    def write(items: Sequence[int]) -> list[int]:
        calls.append(list(items))
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return list(items)

    group: GroupCommit[int, int] = GroupCommit(write)

    with pytest.raises(RuntimeError, match="went away"):
        group.submit(1)
    assert group.submit(2) == 2  # the lead was handed back despite the failure
    assert not group._led


def test_a_writer_returning_the_wrong_number_of_outcomes_fails_loudly():
    group: GroupCommit[int, int] = GroupCommit(lambda items: [])

    with pytest.raises(RuntimeError, match="0 outcomes for 1"):
        group.submit(1)
