"""Group commit: threads that write at the same moment share one statement and one commit.

A server thread that must commit a row before it answers (a provider's webhook) spends most
of its database time on what every statement costs whatever its size: the round trip, the
parse and plan, the commit's WAL flush. When several threads of one process write at once,
the first becomes the *leader*: it takes every item waiting, writes them together through its
own connection and hands each thread its own outcome; threads that arrive meanwhile wait for
the next batch, which the first of them leads. Alone, a thread leads a batch of one at once:
no timer, no added latency when the line is quiet. Under load batches form by themselves, as
PostgreSQL's own group commit does for WAL flushes.

`write` runs in the leader's thread and returns one outcome per item, in order: a result, or
the exception that item's caller should see. If `write` itself raises, every caller of the
batch gets that exception. A caller's thread never touches the leader's connection: it only
waits on an event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Slot(Generic[Item, Result]):
    __slots__ = ("done", "item", "leads", "outcome")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.done = threading.Event()
        self.leads = False  # set by the previous leader: this thread writes the next batch
        self.outcome: Result | BaseException | None = None


class GroupCommit(Generic[Item, Result]):
    """Batch concurrent `submit` calls of one process into calls of `write`."""

    def __init__(
        self,
        write: Callable[[Sequence[Item]], Sequence[Result | BaseException]],
        *,
        max_batch: int = 32,
    ) -> None:
        self._write = write
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._waiting: list[_Slot[Item, Result]] = []
        # Invariant: while no thread leads, nothing is waiting.
        self._led = False

    def submit(self, item: Item) -> Result:
        """Write item (with whatever else is waiting) and return its outcome, or raise it."""
        slot: _Slot[Item, Result] = _Slot(item)
        with self._lock:
            self._waiting.append(slot)
            leads = not self._led
            self._led = True
        if not leads:
            slot.done.wait()
            leads = slot.leads
        if leads:
            self._lead()
        outcome = slot.outcome
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome  # type: ignore[return-value]  # set by the batch's write

    def _lead(self) -> None:
        """Write the waiting items (this thread's first), then wake their threads and the next
        leader. Whatever happens in `write`, every thread of the batch is woken."""
        with self._lock:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
        try:
            outcomes: Sequence[Result | BaseException] = self._write([s.item for s in batch])
            if len(outcomes) != len(batch):
                raise RuntimeError(f"group commit: {len(outcomes)} outcomes for {len(batch)}")
        except BaseException as exc:
            outcomes = [exc] * len(batch)
        finally:
            with self._lock:
                successor = self._waiting[0] if self._waiting else None
                if successor is None:
                    self._led = False
                else:
                    successor.leads = True
            if successor is not None:
                successor.done.set()
        for slot, outcome in zip(batch, outcomes, strict=True):
            slot.outcome = outcome
            slot.done.set()
