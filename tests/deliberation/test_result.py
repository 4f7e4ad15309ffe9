"""The stored opinion map read into records (``MapResult``): int keys, named fields, and
written back exactly as stored, so the JSON export and stored maps never change."""

import io
import json
import math

import pytest

from kenesh.core.exports import safe_writer
from kenesh.deliberation import opinion, queries, services
from kenesh.deliberation.models import Analysis, StatementStatus
from kenesh.deliberation.opinion.result import MapResult, Pick, Tally
from tests.deliberation.test_results import fill

# An analysis as the first release stored it (abridged: two groups, three statements).
FIRST_RELEASE = {
    "k": 2,
    "silhouette": 0.6123,
    "stability": None,
    "group_sizes": {"0": 12, "1": 3},
    "group_stability": {},
    "groups": {"41": 0, "42": 1, "43": 0},
    "coordinates": {"41": [0.5, -1.25], "42": [-2.0, 0.0], "43": [0.75, 1.0], "44": [0.1, 0.2]},
    "representative": {
        "0": [{"statement": 3, "direction": "agree", "share": 0.9286, "significant": True}],
        "1": [{"statement": 2, "direction": "disagree", "share": 0.6, "significant": False}],
    },
    "consensus": [1],
    "consensus_disagree": [],
    "group_consensus": {"1": 0.71234, "2": 0.2, "3": 0.33333},
    "bridging": {"1": 0.1, "3": -0.04},
    "group_agreement": {
        "0": {"1": [11, 1, 0, 0.9167, 0.6871, 0.9792], "3": [12, 0, 0, 1.0, 0.8, 1.0]},
        "1": {"1": [2, 1, 0, 0.6667, None, None], "2": [1, 2, 0, 0.3333, 0.1, 0.7]},
    },
    "by_attribute": {
        "country": {
            "KG": {"1": [5, 0, 1, 0.8333, 0.5, 0.95]},
            "TJ": {"1": [3, 1, 0, 0.75, 0.3, 0.95]},
        }
    },
    "common_ground": {"country": [1]},
    "n_votes": 40,
}


def test_a_stored_map_reads_with_int_keys_and_named_fields():
    result = MapResult.from_json(FIRST_RELEASE)
    assert result.group_sizes == {0: 12, 1: 3}
    assert result.groups == {41: 0, 42: 1, 43: 0}
    assert result.coordinates[44] == (0.1, 0.2)
    assert result.representative[0] == (Pick(3, "agree", 0.9286, True),)
    assert result.consensus == (1,) and result.common_ground == {"country": (1,)}
    assert result.group_consensus[3] == 0.33333 and result.bridging == {1: 0.1, 3: -0.04}
    assert result.agreement(0, 1) == Tally(11, 1, 0, 0.9167, 0.6871, 0.9792)
    assert result.agreement(1, 1) == Tally(2, 1, 0, 0.6667, None, None)
    assert result.agreement(1, 3) is None and result.agreement(7, 1) is None
    assert result.agreement(0, 3).seen == 12
    assert result.by_attribute["country"]["TJ"][1].share == 0.75
    assert result.most_bridging(1) == [(1, 0.1)]
    assert result.stability is None and result.n_votes == 40


def test_a_stored_map_is_written_back_exactly():
    result = MapResult.from_json(FIRST_RELEASE)
    assert result.to_json() == FIRST_RELEASE
    assert json.dumps(result.to_json()) == json.dumps(FIRST_RELEASE)
    assert MapResult.from_json(json.loads(json.dumps(result.to_json()))) == result


def test_records_are_frozen():
    result = MapResult.from_json(FIRST_RELEASE)
    with pytest.raises(AttributeError):
        result.k = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        result.agreement(0, 1).agree = 0  # type: ignore[misc]


def test_an_analysis_without_a_map_reads_as_an_empty_one():
    """Analyses that found no map (not enough votes, failed) store ``{}``; an older
    result missing a key reads it as empty rather than failing."""
    empty = MapResult.from_json({})
    assert (empty.k, empty.group_sizes, empty.consensus, empty.stability) == (0, {}, (), None)
    assert empty.agreement(0, 1) is None and empty.most_bridging(10) == []
    partial = {k: v for k, v in FIRST_RELEASE.items() if k not in {"k", "consensus_disagree"}}
    read = MapResult.from_json(partial)
    assert read.k == 2 and read.consensus_disagree == ()
    assert Analysis(result={}).map_result == empty


def test_the_results_page_reads_the_record(login, conversation):
    """Groups, cells and points of fewer than five people are hidden from non-staff;
    shares and intervals are shown from the records' named fields."""
    result = MapResult.from_json(FIRST_RELEASE)
    shown = queries.results_view(conversation, result, exact=False)
    assert [g["letter"] for g in shown["groups"]] == ["A"] and shown["hidden_groups"] == 1
    assert shown["groups"][0]["rows"][0]["statement"] == 3
    assert shown["consensus"][0]["groups"] == [("A", result.agreement(0, 1))]
    assert [r["number"] for r in shown["bridging"]] == [1, 3]
    assert shown["country_rows"][0]["cells"] == [
        queries.CountryCell(result.by_attribute["country"]["KG"][1]),
        queries.CountryCell(None, hidden=True),
    ]
    assert sorted((p["x"], p["g"]) for p in shown["map_points"]) == [
        (-2.0, None),
        (0.5, 0),
        (0.75, 0),
    ]
    exact = queries.results_view(conversation, result, exact=True)
    assert exact["hidden_groups"] == 0 and not exact["country_rows"][0]["cells"][1].hidden

    Analysis.objects.create(
        conversation=conversation, state="done", votes=40, participants=4, result=FIRST_RELEASE
    )
    url = f"/deliberation/{conversation.code}/results/"
    expert = login("expert").get(url).content.decode()
    staff = login("staff").get(url).content.decode()
    assert "92% (69–98%)" in expert and "&lt;5" in expert.split('data-testid="by-country"')[1]
    assert "75%" in staff.split('data-testid="by-country"')[1]


def _old_agreement(a) -> list:
    return [a.agree, a.disagree, a.passed, round(a.share, 4), _old_num(a.low), _old_num(a.high)]


def _old_num(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 4)


def _old_serialize(opinion_map) -> dict:
    """``queries.serialize`` as it was before the records, kept to hold the format still."""
    m = opinion_map
    return {
        "k": m.k,
        "silhouette": round(m.silhouette, 4),
        "stability": _old_num(m.stability),
        "group_sizes": {str(g): n for g, n in m.group_sizes.items()},
        "group_stability": {str(g): _old_num(v) for g, v in m.group_stability.items()},
        "groups": {str(p): g for p, g in m.groups.items()},
        "coordinates": {str(p): [round(x, 4), round(y, 4)] for p, (x, y) in m.coordinates.items()},
        "representative": {
            str(g): [
                {
                    "statement": r.statement,
                    "direction": r.direction,
                    "share": round(float(r.share), 4),
                    "significant": bool(r.significant),
                }
                for r in details
            ]
            for g, details in m.representative_details.items()
        },
        "consensus": list(m.consensus),
        "consensus_disagree": list(m.consensus_disagree),
        "group_consensus": {str(s): round(v, 5) for s, v in m.group_consensus.items()},
        "bridging": {str(s): round(v, 5) for s, v in m.bridging.items()},
        "group_agreement": {
            str(g): {str(s): _old_agreement(a) for s, a in rows.items()}
            for g, rows in m.group_agreement.items()
        },
        "by_attribute": {
            attribute: {
                value: {str(s): _old_agreement(a) for s, a in rows.items()}
                for value, rows in values.items()
            }
            for attribute, values in m.by_attribute.items()
        },
        "common_ground": {a: list(s) for a, s in m.common_ground.items()},
        "n_votes": m.n_votes,
    }


def _old_csv(conversation, result: dict) -> str:
    """The results CSV as it was written from the raw dictionary."""
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow(
        [
            "number",
            "statement",
            "group_informed_consensus",
            "bridging",
            "consensus",
            "representative_of_groups",
        ]
    )
    reps = {}
    for group, rows in result.get("representative", {}).items():
        for row in rows:
            reps.setdefault(row["statement"], []).append(f"{group}:{row['direction']}")
    for statement in conversation.statements.filter(status=StatementStatus.ACCEPTED):
        key = str(statement.number)
        writer.writerow(
            [
                statement.number,
                statement.text,
                result["group_consensus"].get(key, ""),
                result["bridging"].get(key, ""),
                statement.number in result["consensus"],
                " ".join(reps.get(statement.number, [])),
            ]
        )
    return out.getvalue()


@pytest.mark.parametrize("bootstrap", [0, 3])
def test_a_drawn_map_is_stored_and_exported_as_before(login, conversation, bootstrap):
    fill(conversation)
    rows, attributes, excluded = queries.analysis_input(conversation)
    opinion_map = opinion.analyze(
        [p for p, _s, _v in rows],
        [s for _p, s, _v in rows],
        [v for _p, _s, v in rows],
        attributes=attributes,
        exclude_statements=excluded,
        bootstrap=bootstrap,
    )
    before = _old_serialize(opinion_map)
    assert before["by_attribute"] and (before["group_stability"] or not bootstrap)
    assert json.dumps(queries.serialize(opinion_map)) == json.dumps(before)

    analysis = services.run_analysis(conversation=conversation, bootstrap=bootstrap)
    analysis.refresh_from_db()
    assert analysis.result == before
    # PostgreSQL's jsonb keeps its own key order, so the stored column is compared as a
    # dict; the record writes keys in the order serialize always wrote them.
    assert analysis.map_result.to_json() == analysis.result
    assert json.dumps(analysis.map_result.to_json()) == json.dumps(before)
    assert set(analysis.map_result.group_sizes) == set(range(analysis.map_result.k))

    client = login("staff")
    exported = client.get(f"/deliberation/{conversation.code}/export.json").content.decode()
    body = {
        "conversation": conversation.title,
        "analysed_at": analysis.created_at.isoformat(),
        "votes": analysis.votes,
        "result": analysis.result,  # the stored column, passed through as before
    }
    assert exported == json.dumps(body, ensure_ascii=False, indent=1)
    exported_csv = client.get(f"/deliberation/{conversation.code}/export.csv").content.decode()
    assert exported_csv == "\ufeff" + _old_csv(conversation, before)
