"""Who the invented demo respondents are: areas, community groups, places, channels, languages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Weights = Sequence[tuple[str, float]]


@dataclass(frozen=True)
class DemoArea:
    slug: str
    name: str
    share: float  # of all demo responses
    # Shifts on the respondent's latent experience (0 = national); see _EFFECT_KIND.
    effects: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoGroup:
    slug: str
    name: str
    area_slug: str | None  # None: the group works across areas
    share: float  # of the responses in the areas it serves
    effects: Mapping[str, float] = field(default_factory=dict)
    languages: Weights = (("en", 1.0),)
    ethnicity: Weights | None = None
    religion: Weights | None = None


# South Vale is the planted "worse area" (overall ratings and services working together); the
# other two are a little better than national so the whole demo still sits near the ONS rates.
DEMO_AREAS: tuple[DemoArea, ...] = (
    DemoArea(
        "north-riverside",
        "North Riverside ICB",
        0.40,
        {"rating": 0.3, "coordination": 0.2, "general": 0.05},
    ),
    DemoArea(
        "south-vale",
        "South Vale ICB",
        0.30,
        {"rating": -0.45, "coordination": -0.5, "general": -0.15},
    ),
    DemoArea(
        "east-coast", "East Coast ICB", 0.30, {"rating": 0.3, "coordination": 0.2, "general": 0.05}
    ),
)


@dataclass(frozen=True)
class DemoSubArea:
    slug: str
    name: str
    parent_slug: str
    share: float  # of the parent's responses; the rest came through the parent's own links


# East Coast ICB's places (sub-ICB locations): its responses are shared among them by the
# response id, so the answers, and every figure of the ICB, are those of the demo without them.
DEMO_SUB_AREAS: tuple[DemoSubArea, ...] = (
    DemoSubArea("east-coast-harbour", "Harbour place", "east-coast", 0.40),
    DemoSubArea("east-coast-marshes", "Marshes place", "east-coast", 0.25),
    DemoSubArea("east-coast-uplands", "Uplands place", "east-coast", 0.15),
)
# The Bangladeshi carers' network is the planted "worse group": faith needs and dignity.
DEMO_GROUPS: tuple[DemoGroup, ...] = (
    DemoGroup(
        "bangla-carers",
        "Bangladeshi carers' network",
        "east-coast",
        0.30,
        {"culture": -1.3, "dignity": -0.9},
        languages=(("bn", 0.55), ("en", 0.40), ("ur", 0.05)),
        ethnicity=(("asian", 0.97), ("mixed", 0.03)),
        religion=(("muslim", 0.95), ("none", 0.03), ("prefer_not", 0.02)),
    ),
    DemoGroup(
        "polish-community",
        "Polish community centre",
        "north-riverside",
        0.12,
        languages=(("pl", 0.60), ("en", 0.40)),
        ethnicity=(("white", 0.98), ("mixed", 0.02)),
        religion=(("christian", 0.88), ("none", 0.10), ("prefer_not", 0.02)),
    ),
    DemoGroup("lgbtq-elders", "LGBTQ+ elders group", None, 0.04),
    DemoGroup(
        "muslim-burial",
        "Muslim burial council",
        None,
        0.05,
        languages=(("en", 0.45), ("ur", 0.40), ("pa", 0.15)),
        ethnicity=(("asian", 0.75), ("black", 0.18), ("other", 0.07)),
        religion=(("muslim", 1.0),),
    ),
)

PLACES_OF_DEATH: Weights = (
    ("hospital", 0.43),
    ("home", 0.29),
    ("care_home", 0.21),
    ("hospice", 0.05),
    ("elsewhere", 0.02),
)
CHANNELS: Weights = (("web", 0.60), ("paper", 0.28), ("sms", 0.12))
OTHER_LANGUAGES: Weights = (
    ("en", 0.95),
    ("pl", 0.02),
    ("ur", 0.012),
    ("pa", 0.01),
    ("bn", 0.008),
)
SKIP_RATE = 0.05
QUARTERS = 8
