"""The jobs that deliver scheduled prompts. They live in PTB's JobQueue, but the database is
the source of truth: each active schedule has one `run_once` job for its next due time,
re-armed after every run and every change, and all jobs are rebuilt from the rows at start-up.
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
        await self.delivery.run(context.bot, schedule_id, due)
        schedule = self.schedules.get(schedule_id)
        if schedule is not None and context.job_queue is not None:
            self.arm(context.job_queue, schedule, after=due)

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
