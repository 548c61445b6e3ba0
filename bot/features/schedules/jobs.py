"""The jobs that deliver scheduled prompts. They live in PTB's JobQueue, but the database is
the source of truth: each active schedule has one `run_once` job for its next due time,
re-armed after every run and every change, and all jobs are rebuilt from the rows at start-up.

With several processes, every process arms every schedule (the claim in the database lets one
send each run): `sync` plans what another process added, changed, paused or deleted, and
`take_over` sends the runs a process claimed and could not send before it died.
"""

from __future__ import annotations

import logging
from datetime import datetime

from telegram.ext import CallbackContext, JobQueue

from bot.features.schedules.delivery import Delivery
from bot.features.schedules.store import ScheduleStore
from dialogues.schedules.model import Schedule

log = logging.getLogger(__name__)


def job_name(schedule_id: int) -> str:
    return f"schedule:{schedule_id}"


class Jobs:
    """Plans each schedule's next run; `delivery` sends it (and holds the clock)."""

    def __init__(self, schedules: ScheduleStore, delivery: Delivery) -> None:
        self.schedules = schedules
        self.delivery = delivery
        self._firing: set[int] = set()  # schedules whose run is being delivered now

    def now(self) -> datetime:
        return self.delivery.clock()

    def unarm(self, job_queue: JobQueue | None, schedule_id: int) -> None:
        if job_queue is None:
            return
        for job in job_queue.get_jobs_by_name(job_name(schedule_id)):
            job.schedule_removal()

    def rearm(self, job_queue: JobQueue | None, schedule_id: int) -> None:
        self.unarm(job_queue, schedule_id)
        schedule = self.schedules.get(schedule_id)
        if schedule is not None:
            self.arm(job_queue, schedule)

    def arm(self, job_queue: JobQueue | None, schedule: Schedule,
            after: datetime | None = None) -> datetime | None:
        """One job for the schedule's next due time (none while it is paused)."""
        now = self.now()
        due = schedule.timing.next_due(max(after or now, now))
        if job_queue is None or not schedule.active or due is None:
            return None
        self._plan(job_queue, schedule.id, due, when=due)
        return due

    def _plan(self, job_queue: JobQueue, schedule_id: int, due: datetime,
              when: datetime | float) -> None:
        grace = int(self.delivery.grace.total_seconds()) or 1
        job_queue.run_once(self._fire, when=when, data=(schedule_id, due),
                           name=job_name(schedule_id), job_kwargs={"misfire_grace_time": grace})

    async def _fire(self, context: CallbackContext) -> None:  # type: ignore[type-arg]
        """Deliver one due run, then plan the next from the database."""
        assert context.job is not None
        schedule_id, due = context.job.data  # type: ignore[misc]
        self._firing.add(schedule_id)
        try:
            await self.delivery.run(context.bot, schedule_id, due)
            schedule = self.schedules.get(schedule_id)
            if schedule is not None and context.job_queue is not None:
                self.arm(context.job_queue, schedule, after=due)
        finally:
            self._firing.discard(schedule_id)

    def sync(self, job_queue: JobQueue) -> int:
        """Plan what the rows say that this process has not planned (a schedule added, changed,
        paused or deleted through another process); returns how many jobs changed."""
        now = self.now()
        planned = {job.data[0]: job.data[1] for job in job_queue.jobs()  # type: ignore[index]
                   if job.name and job.name.startswith("schedule:")}
        active = {schedule.id: schedule for schedule in self.schedules.active()}
        changed = 0
        for schedule_id in planned.keys() - active.keys() - self._firing:
            self.unarm(job_queue, schedule_id)
            changed += 1
        for schedule_id, schedule in active.items():
            if schedule_id in self._firing:
                continue
            due = planned.get(schedule_id)
            if due is None or (due > now and due != schedule.timing.next_due(now)):
                self.unarm(job_queue, schedule_id)
                self.arm(job_queue, schedule)
                changed += 1
        return changed

    async def sync_job(self, context: CallbackContext) -> None:  # type: ignore[type-arg]
        if context.job_queue is not None and (changed := self.sync(context.job_queue)):
            log.info("schedules: %d job(s) planned anew from the database", changed)

    async def take_over(self, context: CallbackContext) -> None:  # type: ignore[type-arg]
        """Send the runs that processes which died had claimed but not sent."""
        taken = self.schedules.take_over(self.now())
        if taken:
            log.warning("schedules: took over %d run(s) claimed by a stopped process", len(taken))
        for schedule_id, due, prompt_id in taken:  # sent as the budget allows, while we go on
            context.application.create_task(
                self.delivery.rescue(context.bot, schedule_id, due, prompt_id))

    def rebuild(self, job_queue: JobQueue) -> list[tuple[int, datetime, bool]]:
        """Plan every active schedule from the database (at start-up): a run missed while the
        bot was down is delivered now (or skipped with a log line beyond the grace window);
        others wait for their next due time. Returns (schedule id, due, caught up) per job."""
        plan: list[tuple[int, datetime, bool]] = []
        now = self.now()
        for schedule in self.schedules.active():
            self.unarm(job_queue, schedule.id)
            missed = schedule.timing.last_due(now)
            if missed is not None and missed >= schedule.since \
                    and self.schedules.run_state(schedule.id, missed) is None:
                self._plan(job_queue, schedule.id, missed, when=0)
                plan.append((schedule.id, missed, True))
                continue
            due = self.arm(job_queue, schedule)
            if due is not None:
                plan.append((schedule.id, due, False))
        log.info("schedules: %d job(s) planned at start-up", len(plan))
        return plan
