"""Reports: read the responses once per data version, run the analysis, and keep the results.

The analysis (pandas) is imported only when a report is first asked for, so the survey's web
workers never load it. Results are cached in the process under a key made of the data version
(a cheap stamp of the submitted responses and invitations), the scope and the period: the
dashboard reopens from memory, and any new, changed or withdrawn response changes the key.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from analysis.report.model import (
    InvitationCount,
    ReportModel,
    ReportPeriod,
    ReportScope,
)
from app.models import Area, CommunityGroup, Invitation, PublishedQuestionnaire, Response
from app.models.response import ResponseStatus
from app.questionnaire import Questionnaire
from app.services.codesign_publishing import versions_built_on
from app.services.errors import ServiceError
from app.services.response_export import export_responses_to_file, restore_cell

if TYPE_CHECKING:
    import pandas as pd

    from analysis.questionnaire_data import QuestionnaireData
    from analysis.report.published import PublishedFigure
    from analysis.themes.pipeline import AnalysedComments

ALL = "all"
FREE_TEXT_ITEMS = ("overall.good", "overall.improve", "overall.other")


class InvalidReportPeriod(ServiceError):
    """The period asked for cannot be used (the start is after the end)."""


@dataclass(frozen=True)
class ResponsesData:
    """Every response of one data version, ready for analysis, with its analysed comments."""

    version: Hashable
    frame: pd.DataFrame
    comments: AnalysedComments | None
    themes_available: bool
    # The core's definition, reading the published area versions' responses too.
    analysed: QuestionnaireData


class LruCache:
    """A small thread-safe least-recently-used cache (reports are a few hundred kB each)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max(1, max_entries)
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_reports = LruCache(64)
# One data version at a time: the responses of the newest version replace the previous ones.
_data = LruCache(1)
_build_lock = threading.Lock()


def configure_cache(max_entries: int) -> None:
    _reports.max_entries = max(1, max_entries)


def clear_caches() -> None:
    """Forget every cached report and response table (tests, and after a bulk import)."""
    _reports.clear()
    _data.clear()


def parse_period(start: str | None, end: str | None) -> ReportPeriod:
    """A period from two ISO dates given by a person (either may be empty)."""

    def day(text: str | None, what: str) -> date | None:
        if not text or not text.strip():
            return None
        try:
            return date.fromisoformat(text.strip()[:10])
        except ValueError:
            raise InvalidReportPeriod(f"the {what} date must look like 2025-04-01") from None

    period = ReportPeriod(day(start, "start"), day(end, "end"))
    if period.start and period.end and period.start > period.end:
        raise InvalidReportPeriod("the start date is after the end date")
    return period


def data_version(session: Session) -> Hashable:
    """A cheap stamp that changes whenever the submitted responses or invitations change."""
    responses = session.execute(
        select(
            func.count(Response.id),
            func.max(Response.id),
            func.max(Response.updated_at),
            func.max(Response.submitted_at),
        ).where(Response.status == ResponseStatus.SUBMITTED.value)
    ).one()
    invitations = session.execute(
        select(
            func.count(Invitation.id), func.max(Invitation.id), func.max(Invitation.withdrawn_at)
        )
    ).one()
    names = (
        session.scalar(select(func.count(Area.id))),
        # A sub-area moved under another parent moves its responses between reports.
        session.scalar(select(func.sum(Area.parent_id))),
        session.scalar(select(func.count(Area.parent_id))),
        session.scalar(select(func.max(CommunityGroup.id))),
        session.scalar(select(func.count(CommunityGroup.id))),
    )
    return (tuple(map(str, responses)), tuple(map(str, invitations)), tuple(map(str, names)))


def parent_areas(session: Session) -> dict[str, str]:
    """Sub-area slug -> its parent's slug."""
    parent = aliased(Area)
    return {
        slug: parent_slug
        for slug, parent_slug in session.execute(
            select(Area.slug, parent.slug).join(parent, parent.id == Area.parent_id)
        )
    }


def place_in_areas(frame: pd.DataFrame, parents: dict[str, str]) -> pd.DataFrame:
    """Responses keep the sub-area they were collected in: ``area`` becomes its parent.

    The analysis then sees every response of an ICB under the ICB (areas compared, national)
    and the place in ``sub_area`` (blank for a response collected in the area itself).
    """
    import pandas as pd

    from analysis.report.build import SUB_AREA

    if "area" not in frame.columns or not parents:
        return frame  # no sub-areas anywhere: the responses are read as they always were
    collected = frame["area"].astype("string").fillna("")
    in_sub_area = collected.isin(list(parents))
    frame[SUB_AREA] = pd.Categorical(collected.where(in_sub_area, ""))
    frame["area"] = pd.Categorical(collected.where(~in_sub_area, collected.map(parents)))
    return frame


def questionnaire_data(questionnaires_dir: str, questionnaire: Questionnaire) -> QuestionnaireData:
    from analysis.questionnaire_data import load_questionnaire

    path = Path(questionnaires_dir) / questionnaire.id / f"v{questionnaire.version}.yaml"
    return load_questionnaire(path)


def published_versions_data(session: Session, core_id: str) -> list[QuestionnaireData]:
    """Every published area version built on the core, as the analysis reads a definition."""
    from analysis.questionnaire_data import questionnaire_from_data

    rows = session.scalars(
        select(PublishedQuestionnaire.definition_json)
        .where(PublishedQuestionnaire.core_id == core_id)
        .order_by(PublishedQuestionnaire.id)
    )
    return [questionnaire_from_data(json.loads(definition)) for definition in rows]


def with_published_versions(
    core: QuestionnaireData, published: Sequence[QuestionnaireData]
) -> QuestionnaireData:
    """The core's definition, reading responses to areas' published versions built on it too.

    A report reads only core columns, so only the core items are checked to be the same in
    each version (merge_versions refuses any that differ); local items of two areas may share
    an id with different meanings, and the report never reads them.
    """
    from analysis.questionnaire_data import merge_versions

    for version in published:
        core_part = {
            item_id: item for item_id, item in version.items.items() if item_id in core.items
        }
        merge_versions([core, replace(version, items=core_part)])
    return replace(core, also_reads=core.also_reads | {version.id for version in published})


def read_responses(
    session: Session, questionnaire: Questionnaire, analysed: QuestionnaireData
) -> pd.DataFrame:
    """Every submitted response as the analysis reads it, through the checked CSV export.

    The export streams in constant memory and is count-checked; pandas then reads only the
    columns the report needs, answers as categories.
    """
    from analysis.report.measures import INEQUALITY_BREAKDOWNS
    from analysis.response_data import read_header, read_responses_csv

    with tempfile.TemporaryDirectory(prefix="cv-report-") as folder:
        path = Path(folder) / "responses.csv"
        # Responses to an area's published versions (the core plus its local questions) count
        # in its report as in the analysts' files: the core columns are the same.
        export_responses_to_file(
            session, questionnaire, path, also=versions_built_on(session, questionnaire.id)
        )
        header = set(read_header(path))
        wanted = [
            name
            for name in (
                "response_id",
                "submitted_at",
                "area",
                "community_group",
                "language",
                "channel",
                *INEQUALITY_BREAKDOWNS,
                *FREE_TEXT_ITEMS,
            )
            if name in header
        ]
        frame = read_responses_csv(path, analysed, columns=wanted)
    # The export guards text against spreadsheet formulas with a leading apostrophe; the
    # analysis needs the words as the carer wrote them (the report neutralises its own files).
    for name in (*FREE_TEXT_ITEMS, "response_id"):
        if name in frame.columns:
            frame[name] = (
                frame[name]
                .astype(object)
                .map(lambda cell: restore_cell(cell) if isinstance(cell, str) else cell)
            )
    return frame


def analyse_free_text(frame: pd.DataFrame) -> tuple[AnalysedComments | None, bool]:
    """Themes of every comment (once per data version); (None, False) if NLTK data is missing."""
    from analysis.themes.comments import InvalidExport, comments_from_responses
    from analysis.themes.frame import load_frame
    from analysis.themes.nltk_setup import MissingNltkData
    from analysis.themes.pipeline import analyse_comments

    try:
        comments = comments_from_responses(frame, FREE_TEXT_ITEMS)
    except InvalidExport:
        return None, True
    if comments.empty:
        return None, True
    for column in comments.columns:
        if column not in ("text",) and str(comments[column].dtype) == "category":
            comments[column] = comments[column].astype(object)
    try:
        return analyse_comments(comments, load_frame()), True
    except MissingNltkData:
        return None, False


def responses_data(
    session: Session, questionnaire: Questionnaire, questionnaires_dir: str
) -> ResponsesData:
    """The responses and analysed comments of the current data version (cached)."""
    version = data_version(session)
    cached = _data.get(version)
    if isinstance(cached, ResponsesData):
        return cached
    with _build_lock:
        cached = _data.get(version)
        if isinstance(cached, ResponsesData):
            return cached
        analysed = with_published_versions(
            questionnaire_data(questionnaires_dir, questionnaire),
            published_versions_data(session, questionnaire.id),
        )
        frame = place_in_areas(
            read_responses(session, questionnaire, analysed), parent_areas(session)
        )
        comments, themes_available = analyse_free_text(frame)
        data = ResponsesData(version, frame, comments, themes_available, analysed)
        _data.put(version, data)
        return data


def invitation_counts(
    session: Session, scope: ReportScope, period: ReportPeriod
) -> list[InvitationCount]:
    """Invitations made in the period and the submitted responses they brought, per group.

    An area counts its sub-areas' invitations too, one line per sub-area; ``scope.sub_area``
    keeps one sub-area's. Every count is by channel, language and community group as well.
    """
    group = aliased(CommunityGroup)
    invited_in = aliased(Area)
    parent = aliased(Area)
    statement = (
        select(
            Invitation.channel,
            Invitation.language,
            group.slug,
            invited_in.slug,
            parent.slug,
            func.count(Invitation.id),
            func.count(Response.id),
        )
        .join(invited_in, invited_in.id == Invitation.area_id)
        .outerjoin(parent, parent.id == invited_in.parent_id)
        .outerjoin(group, group.id == Invitation.community_group_id)
        .outerjoin(
            Response,
            and_(
                Response.invitation_id == Invitation.id,
                Response.status == ResponseStatus.SUBMITTED.value,
            ),
        )
        .group_by(Invitation.channel, Invitation.language, group.slug, invited_in.slug, parent.slug)
    )
    if scope.kind == "area":
        statement = statement.where((invited_in.slug == scope.slug) | (parent.slug == scope.slug))
        if scope.sub_area is not None:
            statement = statement.where(invited_in.slug == scope.sub_area)
    elif scope.kind == "group":
        statement = statement.where(group.slug == scope.slug)
    if period.start is not None:
        statement = statement.where(
            Invitation.created_at >= datetime.combine(period.start, time.min)
        )
    if period.end is not None:
        statement = statement.where(
            Invitation.created_at < datetime.combine(period.end + timedelta(days=1), time.min)
        )
    rows = session.execute(statement).all()
    # Sub-areas are a breakdown of a whole area's report that has sub-areas' invitations.
    by_sub_area = (
        scope.kind == "area"
        and scope.sub_area is None
        and any(parent_slug == scope.slug for *_, parent_slug, _, _ in rows)
    )
    totals: dict[tuple[str, str], list[int]] = {}
    for channel, language, group_slug, area_slug, parent_slug, invited, responded in rows:
        keys = [(ALL, ALL), ("channel", str(channel)), ("language", str(language))]
        if scope.kind != "group":
            keys.append(("community_group", group_slug or "(not stated)"))
        if by_sub_area:
            keys.append(("sub_area", area_slug if parent_slug == scope.slug else "(not stated)"))
        for key in keys:
            counts = totals.setdefault(key, [0, 0])
            counts[0] += int(invited)
            counts[1] += int(responded)
    if not totals:
        return []
    order = {ALL: 0, "channel": 1, "language": 2, "community_group": 3, "sub_area": 4}
    return [
        InvitationCount(breakdown, name, counts[0], counts[1])
        for (breakdown, name), counts in sorted(
            totals.items(), key=lambda item: (order.get(item[0][0], 9), item[0][1])
        )
    ]


def area_names(session: Session) -> dict[str, str]:
    return {slug: name for slug, name in session.execute(select(Area.slug, Area.name))}


def group_names(session: Session) -> dict[str, str]:
    return {
        slug: name
        for slug, name in session.execute(select(CommunityGroup.slug, CommunityGroup.name))
    }


def published_figures(path: str) -> dict[str, PublishedFigure]:
    """The published VOICES figures, or none when the file is not there (context only)."""
    from analysis.report.published import PublishedReferenceError, load_published_figures

    try:
        return load_published_figures(path)
    except PublishedReferenceError:
        return {}


def build_or_cached_report(
    session: Session,
    questionnaire: Questionnaire,
    scope: ReportScope,
    period: ReportPeriod,
    *,
    questionnaires_dir: str,
    published_path: str,
) -> ReportModel:
    """The report for ``scope`` and ``period`` on the current data, from the cache when it can."""
    data = responses_data(session, questionnaire, questionnaires_dir)
    key = (
        "report",
        data.version,
        scope.kind,
        scope.slug,
        scope.sub_area,
        period.start,
        period.end,
    )
    cached = _reports.get(key)
    if isinstance(cached, ReportModel):
        return cached
    from analysis.report.build import area_comparison, build_report

    analysed = data.analysed
    areas_key = ("areas", data.version, period.start, period.end)
    areas = _reports.get(areas_key)
    if areas is None and scope.kind != "group" and _has_responses(data.frame, period):
        from analysis.report.build import in_period

        submitted = data.frame.loc[in_period(data.frame["submitted_at"], period)]
        areas = area_comparison(submitted, analysed)
        _reports.put(areas_key, areas)
    model = build_report(
        data.frame,
        analysed,
        scope,
        period=period,
        published=published_figures(published_path),
        invitations=invitation_counts(session, scope, period),
        comments=data.comments,
        include_themes=data.themes_available,
        group_names=group_names(session),
        area_names=area_names(session),
        areas_table=areas,
    )
    _reports.put(key, model)
    return model


def _has_responses(frame: pd.DataFrame, period: ReportPeriod) -> bool:
    from analysis.report.build import in_period

    return bool(in_period(frame["submitted_at"], period).any()) if len(frame) else False


def build_many(
    session: Session,
    questionnaire: Questionnaire,
    scopes: Sequence[ReportScope],
    period: ReportPeriod,
    *,
    questionnaires_dir: str,
    published_path: str,
    on_report: Callable[[ReportScope, ReportModel], None],
) -> int:
    """Build several reports on one reading of the data (the CLI's --all-areas)."""
    for scope in scopes:
        model = build_or_cached_report(
            session,
            questionnaire,
            scope,
            period,
            questionnaires_dir=questionnaires_dir,
            published_path=published_path,
        )
        on_report(scope, model)
    return len(scopes)
