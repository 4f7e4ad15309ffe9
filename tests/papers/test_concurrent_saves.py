"""Two editors saving one draft at the same moment, on PostgreSQL, in two threads.

test_drafting checks the conflict one save after the other; here both requests are in
flight together: the second waits on the paper's row lock while the first writes, then
finds a newer version than the one it started from. Exactly one new version is kept; the
other editor gets the conflict page with their text, so nothing is lost.
"""

import threading
import time

import pytest
from django.db import connection, connections

from kenesh.papers import services
from kenesh.papers.models import PaperVersion

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_editors_saving_at_once_lose_nothing(login, paper, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are checked on PostgreSQL")
    texts = {"young_expert": "Text by the young expert.", "expert": "Text by the seasoned expert."}
    clients = {name: login(name) for name in texts}
    for client in clients.values():  # both open the edit form on version 1
        assert 'name="base" value="1"' in client.get(f"/papers/{paper.code}/edit/").content.decode()

    # Hold the first writer inside its transaction a moment, so the second one really
    # arrives while the first holds the row.
    log_action = services.log_action
    inside = threading.Event()

    def slow_log_action(*args, **kwargs):
        inside.set()
        time.sleep(0.5)
        return log_action(*args, **kwargs)

    monkeypatch.setattr(services, "log_action", slow_log_action)
    start = threading.Barrier(len(texts))
    responses = {}

    def save(name):
        try:
            start.wait()
            responses[name] = clients[name].post(
                f"/papers/{paper.code}/edit/", {"body": texts[name], "base": 1}
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(name,)) for name in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert inside.is_set()

    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [302, 409], statuses
    versions = list(PaperVersion.objects.filter(paper=paper).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    (winner,) = [name for name, r in responses.items() if r.status_code == 302]
    (loser,) = [name for name, r in responses.items() if r.status_code == 409]
    assert versions[1].body == texts[winner]
    page = responses[loser].content.decode()
    assert 'data-testid="conflict"' in page
    assert texts[loser] in page and texts[winner] in page  # both texts before the loser
    assert 'name="base" value="2"' in page  # and their text can be saved on top of v2
