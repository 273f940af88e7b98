"""compute_scores: every indicator and experience score by breakdown, disclosure-controlled."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence

import pandas as pd

from analysis.questionnaire_data import QuestionnaireData
from analysis.response_data import ResponseDataError, check_questionnaire_matches
from analysis.scores.aggregation import StratifiedSums, make_packs, pack_sums
from analysis.scores.breakdowns import (
    AREA,
    Grouping,
    area_grouping,
    area_scope,
    check_breakdown,
    grouping_for,
    national_grouping,
    source_column,
    strata_codes,
)
from analysis.scores.encoding import EncodedResponses, submitted_responses
from analysis.scores.experience import domain_measure
from analysis.scores.indicators import Measure, indicator_measure
from analysis.scores.standardisation import (
    group_totals,
    proportion_estimates,
    reference_from,
    score_estimates,
)
from analysis.scores.table import block, published_table

# --casemix none: no standardisation (one stratum, so the standardised value is the crude one).
NO_CASEMIX = "none"


class UnknownAnswerCodes(UserWarning):
    """Some answers carry codes the questionnaire does not define; they count as unanswered."""


def compute_scores(
    responses: pd.DataFrame,
    questionnaire: QuestionnaireData,
    *,
    by: Sequence[str] = (),
    area: str | None = None,
    weight: str | None = None,
    casemix: Sequence[str] | None = None,
    reference: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every indicator and domain score, nationally and for each group of each ``by`` breakdown.

    ``responses`` is the export format (one row per response; only ``status == submitted``
    counts). With ``area``, the groups are that area's responses and an ``area`` row is added;
    the national reference stays every response (or ``reference``, another export, when given).
    ``casemix`` defaults to the questionnaire's case_mix. The result has the columns of
    OUTPUT_COLUMNS and has passed disclosure control: there is no way to get it without.
    """
    casemix_columns = _casemix(casemix, questionnaire)
    by = list(dict.fromkeys(by))
    for name in by:
        check_breakdown(name, list(responses.columns), questionnaire)
    data, national = _submitted(
        responses, reference, questionnaire, casemix_columns, by=by, area=area, weight=weight
    )
    scope = area_scope(data, area) if area is not None else None
    groupings: list[Grouping] = []
    if area is not None and scope is not None:
        groupings.append(area_grouping(scope, area))
    groupings += [
        grouping_for(name, data, questionnaire, scope)
        for name in by
        if not (name == AREA and area is not None)  # the area row already is that group
    ]
    strata, national_strata, n_strata = strata_codes(casemix_columns, questionnaire, data, national)
    everyone = national_grouping(national.size)
    # Breakdowns are counted in packs, one pass per pack and measure (aggregation.py). The
    # national row joins the data's pack unless a separate reference population is given.
    packs = (
        [(pack, data) for pack in make_packs([everyone, *groupings], strata, n_strata)]
        if national is data
        else [(pack, national) for pack in make_packs([everyone], national_strata, n_strata)]
        + [(pack, data) for pack in make_packs(groupings, strata, n_strata)]
    )
    blocks = []
    for measure, national_measure in _measures(questionnaire, data, national):
        stratified: dict[str, StratifiedSums] = {}
        for pack, source in packs:
            own = national_measure if source is national else measure
            sums_of_pack = pack_sums(pack, own, source.weights)
            for grouping, sums in zip(pack.groupings, sums_of_pack, strict=True):
                stratified[grouping.breakdown] = sums
        yardstick = reference_from(stratified[everyone.breakdown])
        for grouping in (everyone, *groupings):
            totals = group_totals(stratified[grouping.breakdown], yardstick)
            estimates = (
                score_estimates(totals, yardstick)
                if measure.kind == "score"
                else proportion_estimates(totals, yardstick, measure.polarity)
            )
            blocks.append(block(measure, grouping, totals, estimates))
    _warn_unknown_codes(data, national)
    return published_table(blocks)


def _submitted(
    responses: pd.DataFrame,
    reference: pd.DataFrame | None,
    questionnaire: QuestionnaireData,
    casemix: Sequence[str],
    *,
    by: Sequence[str],
    area: str | None,
    weight: str | None,
) -> tuple[EncodedResponses, EncodedResponses]:
    """The submitted responses and the national reference (the same object unless given)."""
    for name in casemix:
        item = questionnaire.items.get(name)
        if item is not None and item.type != "single":
            raise ResponseDataError(f"cannot standardise on {name}: it is a {item.type} item")
    analysed = sorted(questionnaire.analysed_items() | set(casemix))
    weights = [weight] if weight else []
    sources = [source_column(name) for name in by] + ([AREA] if area is not None else [])
    _require_columns(responses, analysed, "responses")
    check_questionnaire_matches(responses, questionnaire)
    data = submitted_responses(responses, weight=weight, needed=[*analysed, *sources, *weights])
    if data.size == 0:
        raise ResponseDataError("there are no submitted responses to analyse")
    if reference is None:
        return data, data
    _require_columns(reference, analysed, "reference responses")
    check_questionnaire_matches(reference, questionnaire)
    national = submitted_responses(reference, weight=weight, needed=[*analysed, *weights])
    if national.size == 0:
        raise ResponseDataError("the reference has no submitted responses")
    return data, national


def _measures(
    questionnaire: QuestionnaireData, data: EncodedResponses, national: EncodedResponses
) -> Iterator[tuple[Measure, Measure]]:
    """Each measure on the data and on the reference, one at a time to keep memory flat."""
    for indicator in questionnaire.indicators:
        own = indicator_measure(indicator, data, questionnaire)
        yield (
            own,
            own if national is data else indicator_measure(indicator, national, questionnaire),
        )
    for domain in questionnaire.domains:
        own = domain_measure(domain, data, questionnaire)
        yield own, own if national is data else domain_measure(domain, national, questionnaire)


def _casemix(casemix: Sequence[str] | None, questionnaire: QuestionnaireData) -> tuple[str, ...]:
    if casemix is None:
        return questionnaire.case_mix
    if list(casemix) == [NO_CASEMIX]:
        return ()
    return tuple(dict.fromkeys(casemix))


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        shown = ", ".join(missing[:5]) + more
        raise ResponseDataError(f"the {what} have no column(s): {shown}")


def _warn_unknown_codes(*sources: EncodedResponses) -> None:
    counts: dict[str, int] = {}
    for source in {id(source): source for source in sources}.values():
        for item_id, count in source.unknown_answers.items():
            counts[item_id] = counts.get(item_id, 0) + count
    if counts:
        detail = ", ".join(f"{item_id} ({count})" for item_id, count in sorted(counts.items()))
        warnings.warn(
            UnknownAnswerCodes(
                f"answers with codes the questionnaire does not define were "
                f"counted as unanswered: {detail}"
            ),
            stacklevel=3,
        )
