"""National answer weights the demo answers are drawn from (ONS VOICES where there is a figure)."""

from __future__ import annotations

import math
from statistics import NormalDist

from app.services.demo_population import Weights

# Evaluative items: (substantive options best first with national weights, non-substantive
# options with their weights). The weights are the ONS VOICES figures where there is one
# (national-reference.csv), otherwise plausible values.
EVALUATIVE: dict[str, tuple[Weights, Weights]] = {
    "overall.rating": (
        (("outstanding", 10.5), ("excellent", 28.5), ("good", 35), ("fair", 16), ("poor", 10)),
        (),
    ),
    "home.gp.dignity": ((("always", 78), ("most", 15), ("some", 5), ("never", 2)), (("dk", 4),)),
    "home.gp.rating": (
        (("outstanding", 18), ("excellent", 30), ("good", 30), ("fair", 13), ("poor", 9)),
        (),
    ),
    "home.dn.dignity": ((("always", 82), ("most", 13), ("some", 4), ("never", 1)), (("dk", 4),)),
    "home.dn.rating": (
        (("outstanding", 26), ("excellent", 34), ("good", 26), ("fair", 9), ("poor", 5)),
        (),
    ),
    "home.spc.rating": (
        (("outstanding", 40), ("excellent", 35), ("good", 17), ("fair", 5), ("poor", 3)),
        (),
    ),
    "home.carers.dignity": (
        (("always", 70), ("most", 20), ("some", 7), ("never", 3)),
        (("dk", 4),),
    ),
    "home.carers.rating": (
        (("outstanding", 17), ("excellent", 30), ("good", 32), ("fair", 13), ("poor", 8)),
        (),
    ),
    "home.pain": (
        (("complete_all", 18), ("complete_some", 27), ("partial", 41), ("not_relieved", 14)),
        (("no_pain", 12), ("dk", 8)),
    ),
    "home.personal_care": ((("definitely", 50), ("to_some_extent", 33), ("no", 17)), (("dk", 4),)),
    "home.equipment": ((("definitely", 58), ("to_some_extent", 28), ("no", 14)), (("dk", 5),)),
    "home.coordination": ((("definitely", 45), ("to_some_extent", 37), ("no", 18)), (("dk", 6),)),
    "home.carer_support": ((("definitely", 35), ("to_some_extent", 40), ("no", 25)), (("dk", 3),)),
    "home.ooh.got_care": ((("definitely", 48), ("to_some_extent", 32), ("no", 20)), (("dk", 4),)),
    "home.ooh.rating": (
        (("outstanding", 9), ("excellent", 17), ("good", 30), ("fair", 24), ("poor", 20)),
        (),
    ),
    "carehome.dignity": ((("always", 66), ("most", 24), ("some", 8), ("never", 2)), (("dk", 5),)),
    "carehome.pain": (
        (("complete_all", 40), ("complete_some", 25), ("partial", 28), ("not_relieved", 7)),
        (("no_pain", 15), ("dk", 10)),
    ),
    "carehome.rating": (
        (("outstanding", 22), ("excellent", 33), ("good", 27), ("fair", 12), ("poor", 6)),
        (),
    ),
    "hospital.doctors.dignity": (
        (("always", 60), ("most", 27), ("some", 9), ("never", 4)),
        (("dk", 4),),
    ),
    "hospital.nurses.dignity": (
        (("always", 57), ("most", 29), ("some", 10), ("never", 4)),
        (("dk", 3),),
    ),
    "hospital.enough_nurses": (
        (("definitely", 40), ("to_some_extent", 35), ("no", 25)),
        (("dk", 6),),
    ),
    "hospital.pain": (
        (("complete_all", 35), ("complete_some", 26), ("partial", 31), ("not_relieved", 8)),
        (("no_pain", 12), ("dk", 9)),
    ),
    "hospital.coordination": (
        (("definitely", 35), ("to_some_extent", 32), ("no", 33)),
        (("dk", 10),),
    ),
    "hospital.rating": (
        (("outstanding", 12), ("excellent", 25), ("good", 29), ("fair", 19), ("poor", 15)),
        (),
    ),
    "hospice.doctors.dignity": (
        (("always", 89), ("most", 8), ("some", 2), ("never", 1)),
        (("dk", 3),),
    ),
    "hospice.nurses.dignity": (
        (("always", 88), ("most", 9), ("some", 2), ("never", 1)),
        (("dk", 2),),
    ),
    "hospice.pain": (
        (("complete_all", 62), ("complete_some", 19), ("partial", 16), ("not_relieved", 3)),
        (("no_pain", 8), ("dk", 6)),
    ),
    "hospice.rating": (
        (("outstanding", 45), ("excellent", 35), ("good", 14), ("fair", 4), ("poor", 2)),
        (),
    ),
    "last2.doctors.dignity": (
        (("always", 70), ("most", 20), ("some", 7), ("never", 3)),
        (("dk", 5),),
    ),
    "last2.nurses.dignity": (
        (("always", 72), ("most", 20), ("some", 6), ("never", 2)),
        (("dk", 3),),
    ),
    "last2.pain": (
        (("complete_all", 40), ("complete_some", 23), ("partial", 29), ("not_relieved", 8)),
        (("no_pain", 10), ("dk", 9)),
    ),
    "last2.nursing_help": ((("definitely", 58), ("to_some_extent", 28), ("no", 14)), (("dk", 4),)),
    "last2.privacy": ((("yes", 85), ("no", 15)), (("dk", 4),)),
    "last2.nutrition": (
        (
            ("strongly_agree", 35),
            ("agree", 40),
            ("neither", 12),
            ("disagree", 8),
            ("strongly_disagree", 5),
        ),
        (("dk", 8),),
    ),
    "last2.fluids": (
        (
            ("strongly_agree", 38),
            ("agree", 40),
            ("neither", 10),
            ("disagree", 7),
            ("strongly_disagree", 5),
        ),
        (("dk", 7),),
    ),
    "last2.understood_info": (
        (
            ("strongly_agree", 46),
            ("agree", 40),
            ("neither", 6),
            ("disagree", 5),
            ("strongly_disagree", 3),
        ),
        (("dk", 2),),
    ),
    "last2.time_to_ask": (
        (
            ("strongly_agree", 32),
            ("agree", 42),
            ("neither", 10),
            ("disagree", 11),
            ("strongly_disagree", 5),
        ),
        (("dk", 3),),
    ),
    "last2.involved": ((("definitely", 55), ("to_some_extent", 30), ("no", 15)), (("dk", 8),)),
    "last2.family_involved": (
        (("definitely", 60), ("to_some_extent", 27), ("no", 13)),
        (("dk", 2),),
    ),
    # ONS 2012: 17% yes, 64% no, the rest don't know; "no" is the better answer here.
    "last2.unwanted_decisions": ((("no", 79), ("yes", 21)), (("dk", 19),)),
    "death.told_sensitively": (
        (("definitely", 65), ("to_some_extent", 25), ("no", 10)),
        (("dk", 2),),
    ),
    "death.support_at_time": (
        (("definitely", 55), ("to_some_extent", 30), ("no", 15)),
        (("dk", 2),),
    ),
    "death.dealt_sensitively": (
        (("definitely", 70), ("to_some_extent", 22), ("no", 8)),
        (("dk", 2),),
    ),
    "death.culture_faith": ((("definitely", 62), ("to_some_extent", 26), ("no", 12)), (("dk", 3),)),
    "pref.enough_choice": ((("yes", 72), ("no", 28)), (("dk", 8),)),
}

# Plain factual questions: option weights, no latent experience.
FACTUAL: dict[str, Weights] = {
    "about.relationship": (
        ("spouse_partner", 40),
        ("child", 38),
        ("child_in_law", 4),
        ("sibling", 5),
        ("parent", 2),
        ("other_relative", 5),
        ("friend_neighbour", 4),
        ("other", 2),
    ),
    "about.age_band": (("18_64", 12), ("65_74", 15), ("75_84", 30), ("85_plus", 43)),
    "about.sex": (("female", 50), ("male", 49), ("other", 0.3), ("prefer_not", 0.7)),
    "about.cause_group": (
        ("cancer", 30),
        ("heart", 18),
        ("stroke", 6),
        ("respiratory", 12),
        ("dementia_frailty", 20),
        ("neurological", 5),
        ("other", 7),
        ("dk", 2),
    ),
    "about.ethnicity": (
        ("white", 84),
        ("asian", 8),
        ("black", 4),
        ("mixed", 2),
        ("other", 1),
        ("prefer_not", 1),
    ),
    "about.religion": (
        ("christian", 55),
        ("none", 33),
        ("muslim", 5),
        ("hindu", 2),
        ("sikh", 1.5),
        ("jewish", 1),
        ("buddhist", 0.5),
        ("other", 1),
        ("prefer_not", 1),
    ),
    "about.months_since_death": (("0_3", 10), ("4_6", 40), ("7_12", 45), ("13_plus", 5)),
    "home.gp.seen": (("yes", 85), ("no", 13), ("dk", 2)),
    "home.dn.seen": (("yes", 58), ("no", 38), ("dk", 4)),
    "home.spc.seen": (("yes", 33), ("no", 60), ("dk", 7)),
    "home.carers.seen": (("yes", 40), ("no", 58), ("dk", 2)),
    "home.ooh.needed": (("yes", 45), ("no", 50), ("dk", 5)),
    "death.told_likely": (("yes", 70), ("no", 22), ("dk", 8)),
    "death.bereavement_support": (("yes", 45), ("no_wanted", 20), ("no_not_wanted", 35)),
    "pref.expressed": (("yes", 50), ("no", 35), ("dk", 15)),
    "pref.place": (
        ("home", 70),
        ("hospice", 12),
        ("care_home", 8),
        ("hospital", 5),
        ("elsewhere", 2),
        ("dk", 3),
    ),
    "pref.recorded": (("yes", 60), ("no", 25), ("dk", 15)),
    "you.main_carer": (("yes", 55), ("shared", 30), ("no", 15)),
    "you.age_band": (
        ("18_34", 5),
        ("35_54", 30),
        ("55_64", 30),
        ("65_74", 20),
        ("75_plus", 13),
        ("prefer_not", 2),
    ),
    "you.sex": (("female", 64), ("male", 34), ("other", 0.5), ("prefer_not", 1.5)),
}

# Which kind of area or group effect moves each evaluative item.
EFFECT_KIND: dict[str, str] = {
    "death.culture_faith": "culture",
    "home.coordination": "coordination",
    "hospital.coordination": "coordination",
    "home.ooh.got_care": "coordination",
    "home.equipment": "coordination",
}

# The latent experience shared by one respondent's answers (it makes answers hang together,
# as real ones do); item noise has variance 1, so thresholds use the combined spread.
RESPONDENT_SPREAD = 0.7
TOTAL_SPREAD = math.sqrt(1 + RESPONDENT_SPREAD**2)
NORMAL = NormalDist()
