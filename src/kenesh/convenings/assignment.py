"""Spreading a simulation's players across teams. Pure: no Django, no kenesh.

``assign_teams`` deals people into teams so that each generation and each country is
spread as evenly as possible, deterministically, and says how even the result is.
"""

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Player:
    id: str
    generation: str  # "seasoned" or "emergent"
    country: str


@dataclass(frozen=True)
class Spread:
    """How many of one kind of player each team got."""

    attribute: str
    value: str
    per_team: tuple[int, ...]

    @property
    def even(self) -> bool:
        return max(self.per_team) - min(self.per_team) <= 1


@dataclass(frozen=True)
class Assignment:
    teams: tuple[tuple[str, ...], ...]
    spreads: tuple[Spread, ...] = field(default_factory=tuple)

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(team) for team in self.teams)

    @property
    def uneven(self) -> tuple[Spread, ...]:
        return tuple(s for s in self.spreads if not s.even)


def assign_teams(players: list[Player], team_count: int) -> Assignment:
    """Deal ``players`` into ``team_count`` teams.

    Rarer generations go first; within a generation, larger countries first; each
    player joins the team with the fewest of their generation, then the fewest players,
    then the fewest of their country, then the lowest number. Then players of the same
    generation swap teams wherever that evens out the countries. Ties break on ids, so
    the same input always gives the same teams. Every generation and team size ends
    within one of even; a country can end uneven only when the generations force it,
    which ``Assignment.uneven`` reports.
    """
    if team_count < 1:
        raise ValueError("team_count must be at least 1")
    teams: list[list[Player]] = [[] for _ in range(team_count)]
    generations = Counter(p.generation for p in players)
    countries = Counter((p.generation, p.country) for p in players)
    order = sorted(
        players,
        key=lambda p: (
            generations[p.generation],
            p.generation,
            -countries[(p.generation, p.country)],
            p.country,
            p.id,
        ),
    )
    for player in order:
        best = min(
            range(team_count),
            key=lambda t: (
                sum(1 for p in teams[t] if p.generation == player.generation),
                len(teams[t]),
                sum(1 for p in teams[t] if p.country == player.country),
                t,
            ),
        )
        teams[best].append(player)
    _even_out_countries(teams)

    spreads = []
    for attribute in ("generation", "country"):
        for value in sorted({getattr(p, attribute) for p in players}):
            per_team = tuple(
                sum(1 for p in team if getattr(p, attribute) == value) for team in teams
            )
            spreads.append(Spread(attribute, value, per_team))
    return Assignment(
        teams=tuple(tuple(p.id for p in sorted(team, key=lambda p: p.id)) for team in teams),
        spreads=tuple(spreads),
    )


def _country_cost(teams: list[list[Player]]) -> int:
    """Sum over countries of the squared count in each team: smaller is more even."""
    return sum(
        count * count for team in teams for count in Counter(p.country for p in team).values()
    )


def _even_out_countries(teams: list[list[Player]], rounds: int = 50) -> None:
    """Swap same-generation players between teams while a swap lowers the country cost.
    Sizes and generation counts never change; the first improving swap in a fixed order
    is taken, so the result is deterministic."""
    for _ in range(rounds):
        improved = False
        cost = _country_cost(teams)
        for i in range(len(teams)):
            for j in range(i + 1, len(teams)):
                for x in range(len(teams[i])):
                    for y in range(len(teams[j])):
                        a, b = teams[i][x], teams[j][y]
                        if a.generation != b.generation or a.country == b.country:
                            continue
                        teams[i][x], teams[j][y] = b, a
                        new_cost = _country_cost(teams)
                        if new_cost < cost:
                            cost, improved = new_cost, True
                        else:
                            teams[i][x], teams[j][y] = a, b
        if not improved:
            return
