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
    player joins the team with the fewest of their generation, then of their country,
    then the fewest players, then the lowest number. Ties break on ids, so the same
    input always gives the same teams. Every generation and team size ends within one
    of even; a country can end uneven only when its generations force it, which
    ``Assignment.uneven`` reports.
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
                sum(1 for p in teams[t] if p.country == player.country),
                len(teams[t]),
                t,
            ),
        )
        teams[best].append(player)

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
