"""Digests: one mail a day or a week, gathering what happened that its reader may see.

The programme's story: a paper waits in review for the mentor and for staff; the expert
and the young expert take part in a conversation that has new statements; a closed Track II
round begins in three days with the expert (the young expert declined it), and a public
forum in five days with the mentor and the expert; an outcome was just recorded on the
young expert's recommendation; a mail could not be delivered. Each reader's digest holds
their part of it and nothing else, and a closed meeting is never named in any mail.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from kenesh.convenings.models import Invitation
from kenesh.deliberation.models import Anonymity, Conversation, Participant, Statement
from kenesh.influence.models import Outcome, Recommendation
from kenesh.notifications import digests
from kenesh.notifications import services as notify
from kenesh.notifications.models import Delivery, Frequency, Kind, Message, Notice
from kenesh.papers.models import AuthorRole, Authorship, PaperReview, PolicyPaper
from kenesh.people.transliteration import fold
from tests.convenings.factories import ConveningFactory, ParticipationFactory
from tests.factories import PersonFactory
from tests.papers.conftest import advance

pytestmark = pytest.mark.django_db

CLOSED_TITLE = "Secret round on the Ferghana enclaves"
CLOSED_CONVERSATION = "What the enclaves' delegations could concede"
OPEN_TITLE = "Open forum on water"
CONVERSATION = "How should the valley share water?"
PAPER_IN_REVIEW = "Sharing river data (fictional)"
PUBLISHED_PAPER = "Mountain roads (fictional)"


@pytest.fixture(autouse=True)
def _always_due(monkeypatch):
    """A digest is due once its reader's clock passes 7:00; the tests run at any hour."""
    monkeypatch.setattr(digests, "SEND_AFTER_HOUR", 0)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """``run(now)``: send the digests due at ``now``, mail handed over at the commit."""

    def send_due(now):
        with django_capture_on_commit_callbacks(execute=True):
            return digests.send_due_digests(now=now)

    return send_due


def _statements(conversation, texts, *, author=None, status="accepted", at=None):
    start = conversation.statements.count()
    return [
        Statement.objects.create(
            conversation=conversation,
            number=start + i + 1,
            text=text,
            language="en",
            normalized=fold(text),
            status=status,
            author=author,
            created_at=at or timezone.now(),
        )
        for i, text in enumerate(texts)
    ]


@pytest.fixture
def story(personas):
    """The programme's last day, as the module's docstring tells it."""
    for name, user in personas.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    expert, young = personas["expert"].person, personas["young_expert"].person
    mentor = personas["mentor"].person
    today = timezone.localdate()
    now = timezone.now()

    # A paper in review: the mentor's and staff's reviews are due.
    from kenesh.papers import services as paper_services

    paper = paper_services.create_paper(
        by=personas["staff"],
        authors=[(young, AuthorRole.LEAD), (expert, AuthorRole.CO_AUTHOR)],
        title=PAPER_IN_REVIEW,
        body="# Sharing river data\n\nFirst draft.",
        language="en",
        visibility="restricted",
    )
    advance(paper, personas, "in_review")

    # A conversation the expert and the young expert take part in.
    conversation = Conversation.objects.create(
        title=CONVERSATION, language="en", open_to_members=True, anonymity=Anonymity.NAMED
    )
    places = {
        who: Participant.objects.create(conversation=conversation, person=who.person)
        for who in (personas["expert"], personas["young_expert"])
    }
    _statements(conversation, ["Old news"], at=now - datetime.timedelta(days=3))
    _statements(conversation, ["Meters on every canal", "A joint basin council", "Open data"])
    _statements(conversation, ["Not moderated yet"], status="pending")
    _statements(conversation, ["The expert's own"], author=places[personas["expert"]])

    # A closed round in three days: the expert takes part, the young expert declined.
    closed = ConveningFactory(
        title=CLOSED_TITLE,
        kind="track2",
        confidentiality="closed",
        starts_on=today + datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=4),
    )
    ParticipationFactory(convening=closed, person=expert, answered_at=now)
    ParticipationFactory(
        convening=closed, person=young, invitation=Invitation.DECLINED, answered_at=now
    )
    secret = Conversation.objects.create(
        title=CLOSED_CONVERSATION, language="en", convening=closed, anonymity=Anonymity.NAMED
    )
    for who in (expert, young):
        Participant.objects.create(conversation=secret, person=who)
    _statements(secret, ["A swap of two villages", "A corridor road"])

    # A public forum in five days: the mentor is invited, the expert accepted.
    forum = ConveningFactory(
        title=OPEN_TITLE,
        starts_on=today + datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=5),
    )
    ParticipationFactory(convening=forum, person=mentor, invitation=Invitation.INVITED)
    ParticipationFactory(convening=forum, person=expert, answered_at=now)
    # A meeting further off than a week is not yet "coming up".
    later = ConveningFactory(
        title="Autumn meeting",
        starts_on=today + datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=20),
    )
    ParticipationFactory(convening=later, person=expert)

    # An outcome just recorded on the young expert's recommendation.
    published = PolicyPaper.objects.create(
        title=PUBLISHED_PAPER, status="published", visibility="public"
    )
    Authorship.objects.create(paper=published, person=young, role=AuthorRole.LEAD)
    recommendation = Recommendation.objects.create(
        paper=published, text="Pave the pass road", addressee="Ministries", level="regional"
    )
    outcome = Outcome.objects.create(
        change="The ministries agreed a road plan",
        social_actor="Ministries",
        when=today,
        platform="Joint commission",
        significance="First such plan",
        contribution="The paper was presented",
    )
    outcome.recommendations.add(recommendation)

    # A mail that could not be delivered, its attempts all made.
    failed = Message.objects.create(
        kind=Kind.REMINDER, to="nobody@example.org", language="en", subject="Lost",
        text="Lost", status=Message.Status.FAILED,
    )  # fmt: skip
    Message.objects.filter(pk=failed.pk).update(
        created_at=now - digests_span() - datetime.timedelta(hours=1)
    )
    return personas


def digests_span():
    from kenesh.convenings.digest import DELIVERY_SPAN

    return DELIVERY_SPAN


def _sent(run):
    """Send today's digests; each reader's digest mail by username."""
    run(timezone.now() + datetime.timedelta(seconds=1))
    return {
        m.user.username: m for m in Message.objects.filter(kind=Kind.DIGEST).select_related("user")
    }


def _whole(message) -> str:
    return "\n".join([message.subject, message.text, message.html])


def test_staff_digest_holds_their_review_answers_and_failed_mail(story, run):
    staff = _sent(run)["staff"]
    text = staff.text
    assert "Papers waiting for your review" in text
    assert f"“{PAPER_IN_REVIEW}” waits for your peer review." in text
    assert "For the programme team" in text
    assert f"1 new answer to the invitations to “{OPEN_TITLE}” (1 accepted, 0 declined)" in text
    assert "2 new answers to the invitations to a closed meeting beginning on" in text
    assert "(1 accepted, 1 declined)" in text
    assert "1 message could not be delivered; see the outbox." in text
    assert "/notifications/outbox/?status=failed" in text
    # Links are absolute.
    assert f"{notify.site_url()}/papers/" in text
    assert staff.subject.startswith("Your daily digest: ")


def test_mentor_digest_holds_their_review_and_the_forum(story, run):
    mentor = _sent(run)["mentor"]
    assert f"“{PAPER_IN_REVIEW}” waits for your mentor review." in mentor.text
    assert f"“{OPEN_TITLE}” begins on" in mentor.text
    assert "answers to the invitations" not in mentor.text
    assert "could not be delivered" not in mentor.text
    assert mentor.subject == "Your daily digest: 2 new items"


def test_expert_digest_counts_new_statements_and_names_no_closed_meeting(story, run):
    expert = _sent(run)["expert"]
    text = expert.text
    # Three new accepted statements by others: not the old one, the pending one, their own.
    assert f"3 new statements in “{CONVERSATION}”." in text
    assert "2 new statements in a conversation of a closed meeting; see the platform." in text
    assert "A closed meeting you take part in begins on" in text
    assert f"“{OPEN_TITLE}” begins on" in text
    assert "Autumn meeting" not in text
    # A reviewer only when the review is due: the co-author reviews nothing.
    assert "waits for your" not in text


def test_young_expert_sees_the_outcome_and_nothing_of_the_round_they_declined(story, run):
    young = _sent(run)["young_expert"]
    text = young.text
    assert "1 outcome recorded on your recommendation “Pave the pass road”" in text
    assert f"(paper “{PUBLISHED_PAPER}”)" in text
    # Their statement count includes the expert's statement.
    assert f"4 new statements in “{CONVERSATION}”." in text
    assert "closed meeting" not in text
    assert "upcoming" not in text.lower() and "begins on" not in text


def test_observer_gets_no_digest_when_nothing_concerns_them(story, run):
    mails = _sent(run)
    assert "observer" not in mails
    Notice.objects.create(user=story["observer"], kind=Kind.ACTIVITY, text="A donor report")
    Delivery.objects.filter(user=story["observer"]).update(daily_digest_at=None)
    run(timezone.now() + datetime.timedelta(seconds=2))
    observer = Message.objects.get(kind=Kind.DIGEST, user=story["observer"])
    assert "A donor report" in observer.text
    for secret in (PAPER_IN_REVIEW, CONVERSATION, OPEN_TITLE, "closed meeting", "outcome"):
        assert secret not in _whole(observer)


def test_a_closed_meeting_is_never_named_in_any_digest_mail(story, run):
    mails = _sent(run)
    assert len(mails) >= 5
    for message in mails.values():
        for secret in (CLOSED_TITLE, CLOSED_CONVERSATION):
            assert secret not in _whole(message)
    for sent in mail.outbox:
        body = sent.body + "".join(content for content, _type in sent.alternatives)
        assert CLOSED_TITLE not in sent.subject + body
        assert CLOSED_CONVERSATION not in body


def test_an_expert_outside_a_closed_meeting_never_learns_of_it(story, personas):
    """The young expert declined the round and holds a place in its conversation: as one
    never invited, their digest says nothing of either."""
    users = digests._users(0, 100)
    built = {
        d.user.username: d
        for d in digests.build_digests(users, period=Frequency.DAILY, now=timezone.now())
    }
    lines = [line.text for section in built["young_expert"].sections for line in section.lines]
    assert lines and not any("closed" in text for text in lines)
    assert not any(CLOSED_CONVERSATION in text for text in lines)


def test_the_mail_is_multipart_and_links_absolute(story, run):
    _sent(run)
    [to_mentor] = [m for m in mail.outbox if m.to == ["mentor@example.org"]]
    html = to_mentor.alternatives[0][0]
    assert "<html" in html and f'href="{notify.site_url()}/papers/' in html
    assert to_mentor.subject == "Your daily digest: 2 new items"


# Frequencies ------------------------------------------------------------------------


def _activity_lines(user, period, now):
    [digest] = digests.build_digests(
        [u for u in digests._users(0, 100) if u.pk == user.pk], period=period, now=now
    )
    return sum(len(s.lines) for s in digest.sections)


def test_activity_follows_the_chosen_frequency(story):
    expert = story["expert"]
    now = timezone.now()
    # By default: daily.
    assert _activity_lines(expert, Frequency.DAILY, now) > 0
    assert _activity_lines(expert, Frequency.WEEKLY, now) == 0
    Delivery.objects.create(user=expert, frequencies={Kind.ACTIVITY: Frequency.WEEKLY})
    assert _activity_lines(expert, Frequency.DAILY, now) == 0
    assert _activity_lines(expert, Frequency.WEEKLY, now) > 0
    Delivery.objects.filter(user=expert).update(frequencies={Kind.ACTIVITY: Frequency.NEVER})
    assert _activity_lines(expert, Frequency.DAILY, now) == 0
    assert _activity_lines(expert, Frequency.WEEKLY, now) == 0


def test_a_weekly_reader_gets_a_weekly_digest_and_no_daily_one(story, run):
    Delivery.objects.create(user=story["expert"], frequencies={Kind.ACTIVITY: Frequency.WEEKLY})
    mails = Message.objects.filter(kind=Kind.DIGEST, user=story["expert"])
    run(timezone.now() + datetime.timedelta(seconds=1))
    [weekly] = mails
    assert weekly.subject.startswith("Your weekly digest: ")
    # The week reaches back to the statement of three days ago.
    assert f"4 new statements in “{CONVERSATION}”." in weekly.text
    # A day later: no daily digest (nothing held for it), no second weekly one.
    run(timezone.now() + datetime.timedelta(days=1))
    assert mails.count() == 1


def test_never_means_no_digest(story, run):
    Delivery.objects.create(user=story["expert"], frequencies={Kind.ACTIVITY: Frequency.NEVER})
    run(timezone.now() + datetime.timedelta(seconds=1))
    assert not Message.objects.filter(kind=Kind.DIGEST, user=story["expert"]).exists()


# Held notices and sending twice -------------------------------------------------------


def test_a_notice_held_for_the_digest_is_carried_once_and_marked(personas, run):
    user = personas["expert"]
    user.email = "expert@example.org"
    user.save(update_fields=["email"])
    Delivery.objects.create(user=user, frequencies={Kind.INVITATION: Frequency.DAILY})
    notify.send(
        to=user,
        kind=Kind.INVITATION,
        template="notifications/mail/plain",
        context={"subject": "You are invited to the spring meeting", "body": "Details."},
        url="/convenings/mine/",
    )
    notice = Notice.objects.get(user=user)
    assert notice.digested_at is None
    assert not Message.objects.filter(kind=Kind.INVITATION, status=Message.Status.QUEUED)
    now = timezone.now() + datetime.timedelta(seconds=1)
    run(now)
    [digest] = Message.objects.filter(kind=Kind.DIGEST, user=user)
    assert "You are invited to the spring meeting" in digest.text
    assert f"{notify.site_url()}/convenings/mine/" in digest.text
    assert digest.subject == "Your daily digest: 1 new item"
    notice.refresh_from_db()
    assert notice.digested_at == now
    # The next day's digest does not carry it again (and, empty, is not sent).
    run(now + datetime.timedelta(days=1))
    assert Message.objects.filter(kind=Kind.DIGEST, user=user).count() == 1


def test_sending_twice_the_same_day_sends_nothing_twice(story, run):
    now = timezone.now() + datetime.timedelta(seconds=1)
    first = run(now)
    assert first >= 5
    outbox = len(mail.outbox)
    assert run(now + datetime.timedelta(hours=3)) == 0
    assert run(now) == 0
    assert len(mail.outbox) == outbox
    assert Message.objects.filter(kind=Kind.DIGEST).count() == first


def test_the_next_day_says_only_what_is_new(story, run):
    now = timezone.now() + datetime.timedelta(seconds=1)
    run(now)
    later = now + datetime.timedelta(days=1)
    conversation = Conversation.objects.get(title=CONVERSATION)
    _statements(conversation, ["A new idea"], at=now + datetime.timedelta(hours=5))
    run(later)
    expert = Message.objects.filter(kind=Kind.DIGEST, user=story["expert"]).latest("pk")
    assert f"1 new statement in “{CONVERSATION}”." in expert.text
    assert "new answer" not in expert.text


# Queries --------------------------------------------------------------------------------


def _crowd(count, staff, closed, conversation, today):
    """``count`` experts, each with a review due, a new statement in a conversation they
    take part in, a closed meeting coming up, and an outcome on their recommendation."""
    from kenesh.access.models import User

    users = [
        User.objects.create(username=f"crowd-{count}-{i}", email=f"c{count}-{i}@example.org")
        for i in range(count)
    ] + [staff]
    for user in users:
        person = PersonFactory(user=user)
        paper = PolicyPaper.objects.create(title=f"Paper of {user.username}", status="in_review")
        PaperReview.objects.create(paper=paper, reviewer=user, kind="peer")
        Authorship.objects.create(paper=paper, person=person, role=AuthorRole.LEAD)
        recommendation = Recommendation.objects.create(
            paper=paper, text="Do it", addressee="Them", level="national"
        )
        outcome = Outcome.objects.create(
            change="Done", social_actor="Them", when=today, platform="Here",
            significance="Some", contribution="Some",
        )  # fmt: skip
        outcome.recommendations.add(recommendation)
        Participant.objects.create(conversation=conversation, person=person)
        ParticipationFactory(convening=closed, person=person, answered_at=timezone.now())
    return [u.pk for u in users]


def test_building_digests_costs_the_same_queries_for_3_and_30_readers(personas):
    from kenesh.core.testing.queries import assert_same_query_count

    today = timezone.localdate()
    staff = personas["staff"]
    staff.email = "staff@example.org"
    staff.save(update_fields=["email"])
    closed = ConveningFactory(
        confidentiality="closed",
        starts_on=today + datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=2),
    )
    conversation = Conversation.objects.create(title="Crowded", language="en", convening=closed)
    _statements(conversation, ["One", "Two"])
    Notice.objects.create(user=staff, kind=Kind.ACTIVITY, text="Held")
    few_ids = _crowd(3, staff, closed, conversation, today)
    from kenesh.access.models import User

    second_staff = User.objects.create(username="staff-2", role="staff", email="s2@x.org")
    many_ids = _crowd(29, second_staff, closed, conversation, today)
    everyone = digests._users(0, 1000)
    few = [u for u in everyone if u.pk in few_ids]
    many = [u for u in everyone if u.pk in many_ids]
    assert len(few) == 4 and len(many) == 30
    now = timezone.now() + datetime.timedelta(seconds=1)

    def build(users):
        return lambda: digests.build_digests(users, period=Frequency.DAILY, now=now)

    assert_same_query_count(build(few), build(many))
    built = build(many)()
    # Every part had something to say to every reader: no part was skipped for want of rows.
    assert all(len(d.sections) >= 4 for d in built)


def test_sending_digests_costs_the_same_queries_for_3_and_30_readers(personas):
    from kenesh.access.models import User
    from kenesh.core.testing.queries import count_queries

    users = [
        User.objects.create(username=f"reader-{i}", email=f"r{i}@example.org") for i in range(33)
    ]
    for user in users:
        PersonFactory(user=user)
        Notice.objects.create(user=user, kind=Kind.ACTIVITY, text="Held")
    ids = [u.pk for u in users]
    everyone = [u for u in digests._users(0, 1000) if u.pk in ids]
    now = timezone.now() + datetime.timedelta(seconds=1)
    few, many = everyone[:3], everyone[3:33]
    # What a process reads once and caches (the programme's name) is not part of the cost.
    notify.programme_name()
    counts = []
    for group in (few, many):
        built = digests.build_digests(group, period=Frequency.DAILY, now=now)
        counts.append(count_queries(lambda built=built: digests.send_digests(built, now=now)))
    assert counts[0][0] == counts[1][0], f"{counts[0][1]}\n--\n{counts[1][1]}"


def test_a_counted_line_is_written_in_its_plural_form():
    from kenesh.deliberation.digest import NEW_STATEMENTS

    one = digests.Line(NEW_STATEMENTS, {"count": 1, "title": "T"}, "/x/")
    five = digests.Line(NEW_STATEMENTS, {"count": 5, "title": "T"}, "/x/")
    assert one.text == "1 new statement in “T”."
    assert five.text == "5 new statements in “T”."
