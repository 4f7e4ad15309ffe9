"""Opinion maps from votes, Pol.is's method and more. Pure: numpy, scipy, scikit-learn;
no Django, nothing else of Kenesh. See docs/opinion-map.md."""

from .analysis import Agreement, NotEnoughVotes, OpinionMap, Representative, analyze

__all__ = ["Agreement", "NotEnoughVotes", "OpinionMap", "Representative", "analyze"]
