"""Daily digests at demo scale: building them for everyone, and queueing the mail.

Builds the demo at ``--scale`` (100 gives about 5,500 people) in a fresh database. The
demo has six logins only, so every person of the roster without one gets an account (a
username from their id, their roster e-mail, the mentor role for those who mentor and the
expert role for the others, no usable password), and the three demo logins without a
roster record get an address: every person is then a digest recipient. Unless
``--as-loaded``, each recipient also gets one notification held for their daily digest,
so that every digest has something to say and is rendered and queued (the worst case;
as loaded, most digests are empty, as the demo's records are dated 2022-2024).

Then, with every digest due whatever the hour the benchmark runs:
- builds every daily digest in batches of ``digests.BATCH`` users (nothing written):
  time, and queries per batch (they must not depend on the batch's size);
- runs ``send_due_digests`` (load the users, build, render each mail in its reader's
  language, queue): time, queries in all and per batch, mails queued. The mail is handed
  to the (local memory) mail backend after the commit, timed apart.
The last line sets the time of ``send_due_digests`` against the issue's 30 s target.

    python bench/notifications.py [--scale 100] [--as-loaded] [--database-url URL]
"""

import argparse
import os
import sys
import time

from _setup import demo_database

TARGET = 30.0


def timed(function, *args, **kwargs):
    """(result, seconds, queries) of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = function(*args, **kwargs)
        seconds = time.perf_counter() - started
    return result, seconds, len(captured)


def make_accounts() -> int:
    """An account for every person of the roster without one; an address for every login.
    Returns how many accounts were made."""
    from django.contrib.auth.hashers import make_password

    from kenesh.access.models import Role, User
    from kenesh.people.models import Person

    for user in User.objects.filter(email=""):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    people = list(Person.objects.filter(user__isnull=True).order_by("pk"))
    unusable = make_password(None)
    users = [
        User(
            username=f"person-{person.pk}",
            email=person.email or f"person-{person.pk}@example.org",
            role=Role.MENTOR if person.can_mentor else Role.EXPERT,
            password=unusable,
            first_name=person.name_latin.partition(" ")[0],
            last_name=person.name_latin.partition(" ")[2],
        )
        for person in people
    ]
    User.objects.bulk_create(users, batch_size=1000)
    by_name = dict(
        User.objects.filter(username__startswith="person-").values_list("username", "pk")
    )
    for person in people:
        person.user_id = by_name[f"person-{person.pk}"]
    Person.objects.bulk_update(people, ["user"], batch_size=1000)
    return len(users)


def hold_a_notice_for_everyone() -> int:
    from kenesh.access.models import User
    from kenesh.notifications.models import Kind, Notice

    notices = [
        Notice(user_id=pk, kind=Kind.ACTIVITY, text="A fictional event held for the digest.",
               url="/notifications/")
        for pk in User.objects.filter(is_active=True).exclude(email="").values_list("pk", flat=True)
    ]  # fmt: skip
    Notice.objects.bulk_create(notices, batch_size=1000)
    return len(notices)


def time_build(now) -> None:
    """Every daily digest, batch by batch, nothing written."""
    from kenesh.notifications import digests
    from kenesh.notifications.models import Frequency

    after, counts, total, users_count, non_empty, lines = 0, [], 0.0, 0, 0, 0
    while True:
        users = digests._users(after, digests.BATCH)
        if not users:
            break
        after = users[-1].pk
        built, seconds, queries = timed(
            digests.build_digests, users, period=Frequency.DAILY, now=now
        )
        total += seconds
        counts.append((len(users), queries))
        users_count += len(users)
        non_empty += sum(not d.empty for d in built)
        lines += sum(len(s.lines) for d in built for s in d.sections)
    per_batch = sorted({q for _n, q in counts})
    sizes = sorted({n for n, _q in counts})
    print(
        f"build only: {users_count} daily digests in {len(counts)} batches "
        f"({'-'.join(map(str, sizes))} users) in {total:.2f} s; queries per batch "
        f"{'-'.join(map(str, per_batch))}; {non_empty} not empty, {lines} activity lines"
    )


def time_send(now) -> tuple[float, int]:
    from django.core import mail
    from django.db import transaction

    from kenesh.notifications import digests
    from kenesh.notifications.models import Message

    batches = -(-digests._users(0, 10**6).__len__() // digests.BATCH)
    with transaction.atomic():
        queued, seconds, queries = timed(digests.send_due_digests, now=now)
        committed = time.perf_counter()
    # The mail goes to the mail backend once the transaction commits (the task backend
    # runs the delivery at once here); timed apart, as it is not building the digests.
    delivered = time.perf_counter() - committed
    made = Message.objects.filter(kind="digest").count()
    print(
        f"send_due_digests: {queued} mails queued ({made} digest messages recorded) in "
        f"{seconds:.2f} s; {queries} queries over {batches} batches "
        f"({queries / max(batches, 1):.1f} per batch)"
    )
    print(f"handed to the mail backend after the commit: {len(mail.outbox)} in {delivered:.2f} s")
    return seconds, queued


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--as-loaded", action="store_true", help="no held notification each")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(demo_database(args.scale, args.database_url))

    from django.utils import timezone

    from kenesh.notifications import digests

    made = make_accounts()
    held = 0 if args.as_loaded else hold_a_notice_for_everyone()
    recipients = len(digests._users(0, 10**6))
    print(
        f"{made} accounts made for people without one; {recipients} recipients; "
        f"{held} notifications held for the digest"
    )
    # Every digest is due whatever the hour the benchmark runs.
    digests.SEND_AFTER_HOUR = 0
    now = timezone.now()
    time_build(now)
    seconds, _queued = time_send(now)
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(
        f"daily digests for {recipients} people built and queued in {seconds:.2f} s; "
        f"ratio to the {TARGET:g} s target: {seconds / TARGET:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
