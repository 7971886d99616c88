"""Periodic jobs of the deployment: a small cron for one container, standard library only.

Reads a crontab (five time fields, then a command; times in UTC), starts each command when its
time comes as a child process whose output goes to the container log, never starts a line again
while its previous run is still going (a slow snapshot must not pile up), and touches a heartbeat
file every cycle so the container health check can tell a stuck scheduler from a working one.

    python scheduler.py /srv/app/crontab            run forever (the `scheduler` service)
    python scheduler.py --check /srv/app/crontab    validate the file and print the schedule

Field syntax: ``*``, numbers, ranges ``a-b``, lists ``a,b`` and steps ``*/n`` or ``a-b/n``; day of
week 0-7 with 0 and 7 both Sunday. As in cron, when both day of month and day of week are
restricted, a day matching either one runs the command.

Why not cron or supercronic: cron drops the container's environment and wants root, supercronic is
a binary to download and verify; this file is all the deployment needs and the tests import it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("scheduler")

# (low, high) of minute, hour, day of month, month, day of week (7 is folded into 0).
FIELD_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
FIELD_NAMES = ("minute", "hour", "day of month", "month", "day of week")
DEFAULT_HEARTBEAT = "/tmp/opengov-scheduler.heartbeat"
# After a pause longer than this (host suspended, container frozen) missed minutes are skipped,
# not replayed: `harvester run` ten times in a row helps nobody.
MAX_CATCH_UP = dt.timedelta(minutes=10)
# How long running commands get to finish after SIGTERM before they are killed.
STOP_GRACE_SECONDS = 30


class CrontabError(ValueError):
    """A line of the crontab cannot be understood."""


def parse_field(text: str, low: int, high: int) -> frozenset[int]:
    """The values one crontab field allows, e.g. ``*/15`` in 0-59 -> {0, 15, 30, 45}."""
    values: set[int] = set()
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if span == "*":
                start, end = low, high
            elif "-" in span:
                first, last = span.split("-", 1)
                start, end = int(first), int(last)
            else:
                start = int(span)
                # "5/10" means from 5 to the end of the range every 10, as in cron.
                end = high if step_text else start
        except ValueError:
            raise CrontabError(f"{part!r} is not a number, range or step") from None
        if step < 1 or not low <= start <= end <= high:
            raise CrontabError(f"{part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Entry:
    """One crontab line."""

    line_no: int
    schedule: str
    command: tuple[str, ...]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    any_day: bool
    any_weekday: bool

    @property
    def label(self) -> str:
        return f"line {self.line_no} ({shlex.join(self.command)})"

    def due(self, when: dt.datetime) -> bool:
        """Whether the command runs in the minute ``when`` falls in."""
        if (
            when.minute not in self.minutes
            or when.hour not in self.hours
            or when.month not in self.months
        ):
            return False
        day_ok = when.day in self.days
        weekday_ok = when.isoweekday() % 7 in self.weekdays
        if self.any_day or self.any_weekday:
            return day_ok and weekday_ok
        return day_ok or weekday_ok


def parse_line(line: str, line_no: int) -> Entry:
    parts = line.split(None, 5)
    if len(parts) < 6:
        raise CrontabError(f"line {line_no}: expected five time fields and a command")
    fields = []
    for text, (low, high), name in zip(parts[:5], FIELD_RANGES, FIELD_NAMES, strict=True):
        try:
            fields.append(parse_field(text, low, high))
        except CrontabError as error:
            raise CrontabError(f"line {line_no}, {name}: {error}") from None
    weekdays = frozenset(day % 7 for day in fields[4])
    try:
        command = tuple(shlex.split(parts[5]))
    except ValueError as error:
        raise CrontabError(f"line {line_no}: {error}") from None
    return Entry(
        line_no=line_no,
        schedule=" ".join(parts[:5]),
        command=command,
        minutes=fields[0],
        hours=fields[1],
        days=fields[2],
        months=fields[3],
        weekdays=weekdays,
        any_day=parts[2] == "*",
        any_weekday=parts[4] == "*",
    )


def parse_crontab(text: str) -> list[Entry]:
    """Every entry of a crontab; blank lines and ``#`` comments are skipped."""
    entries = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            entries.append(parse_line(line, line_no))
    return entries


def minute_of(when: dt.datetime) -> dt.datetime:
    return when.replace(second=0, microsecond=0)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Scheduler:
    """Starts due entries, one process per entry at most, and reaps them."""

    def __init__(self, entries: Iterable[Entry], heartbeat: Path) -> None:
        self.entries = list(entries)
        self.heartbeat = heartbeat
        self.running: dict[int, tuple[subprocess.Popen[bytes], float]] = {}
        self.stopping = False

    def start_due(self, minute: dt.datetime) -> None:
        for entry in self.entries:
            if entry.due(minute):
                self.start(entry)

    def start(self, entry: Entry) -> None:
        if entry.line_no in self.running:
            log.warning("%s: previous run still going, skipped this time", entry.label)
            return
        log.info("%s: starting", entry.label)
        try:
            process = subprocess.Popen(entry.command)  # noqa: S603 (the operator's crontab)
        except OSError as error:
            log.error("%s: cannot start: %s", entry.label, error)
            return
        self.running[entry.line_no] = (process, time.monotonic())

    def reap(self) -> None:
        for line_no, (process, started) in list(self.running.items()):
            code = process.poll()
            if code is None:
                continue
            del self.running[line_no]
            entry = next(e for e in self.entries if e.line_no == line_no)
            took = time.monotonic() - started
            if code == 0:
                log.info("%s: done in %.0f s", entry.label, took)
            elif self.stopping:
                log.info("%s: stopped after %.0f s (scheduler shutting down)", entry.label, took)
            else:
                log.error("%s: exit status %s after %.0f s", entry.label, code, took)

    def beat(self) -> None:
        self.heartbeat.touch()

    def stop(self, *_: object) -> None:
        self.stopping = True

    def terminate_children(self) -> None:
        for process, _ in self.running.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process, _ in self.running.values():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        self.reap()

    def run_forever(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        last = minute_of(utc_now())
        log.info("%d entries, times in UTC; first check at the next minute", len(self.entries))
        while not self.stopping:
            self.beat()
            self.reap()
            now = minute_of(utc_now())
            if now - last > MAX_CATCH_UP:
                log.warning("woke up %s late: skipping the minutes missed", now - last)
                last = now - dt.timedelta(minutes=1)
            while last < now and not self.stopping:
                last += dt.timedelta(minutes=1)
                self.start_due(last)
            # Wake just after the next minute starts, and at least every 20 s for the heartbeat;
            # one-second naps so that SIGTERM is acted on, and finished runs logged, promptly.
            wake = time.monotonic() + min(20.0, 60 - utc_now().second + 0.5)
            while not self.stopping and time.monotonic() < wake:
                time.sleep(1.0)
                self.reap()
        log.info("stopping")
        self.terminate_children()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("crontab", type=Path)
    parser.add_argument("--check", action="store_true", help="validate and print, then exit")
    parser.add_argument(
        "--heartbeat",
        type=Path,
        default=Path(os.environ.get("SCHEDULER_HEARTBEAT", DEFAULT_HEARTBEAT)),
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s [scheduler] %(message)s"
    )
    try:
        entries = parse_crontab(args.crontab.read_text(encoding="utf-8"))
    except (OSError, CrontabError) as error:
        log.error("%s: %s", args.crontab, error)
        return 2
    if args.check:
        for entry in entries:
            print(f"{entry.schedule:<16} {shlex.join(entry.command)}")
        return 0
    Scheduler(entries, args.heartbeat).run_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
