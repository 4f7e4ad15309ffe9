"""The call page in words a Russian reader reads as Russian (issue 16): each criterion
with its share of the weights as a percentage, not its raw weight with a per cent sign."""

from django.utils import translation


def test_each_criterion_shows_its_share_of_the_weights(login, call):
    with translation.override("en"):
        page = login("staff").get(f"/mentoring/calls/{call.code}/").content.decode()
    criteria = " ".join(page.split('data-testid="criteria"')[1].split("</p>")[0].split())
    # Weights 3, 2, 2 and 1: 3/8, 2/8, 2/8 and 1/8 of an applicant's score.
    assert (
        "Quality of analysis (38%), Motivation and fit (25%), Writing sample (25%), "
        "Potential to influence policy (13%)"
    ) in criteria
    assert "(3 %)" not in criteria and "(3%)" not in criteria
