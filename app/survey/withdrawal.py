"""A carer takes part back: with a code, or from the thank-you page, their answers are deleted."""

from __future__ import annotations

import logging

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from app.extensions import db, limiter
from app.i18n.web import clear_session_keeping_language
from app.services import withdrawal as withdrawal_service
from app.services.errors import ResponseNotFound
from app.survey import bp
from app.survey.context import bound_response_id

log = logging.getLogger(__name__)
PageResult = str | WerkzeugResponse | tuple[str, int]
# The response a code was checked for; the code itself is never kept.
CANDIDATE_KEY = "withdrawal_response_id"


@bp.route("/withdraw", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def withdraw() -> PageResult:
    error = None
    code = ""
    if request.method == "POST":
        code = request.form.get("code", "")[:40]
        try:
            response = withdrawal_service.response_for_code(
                db.session(), code, str(current_app.config["SECRET_KEY"])
            )
        except ResponseNotFound:
            error = gettext(
                "We could not find answers for that code. Check the code and try again, or "
                "contact %(email)s and we will help.",
                email=current_app.config["SURVEY_CONTACT_EMAIL"],
            )
        else:
            session[CANDIDATE_KEY] = response.response_id
            return redirect(url_for("survey.withdraw_confirm"))
    status = 400 if error else 200
    return render_template("survey/withdraw.html", error=error, code=code), status


@bp.route("/withdraw/confirm", methods=["GET", "POST"])
def withdraw_confirm() -> PageResult:
    candidate = session.get(CANDIDATE_KEY) or bound_response_id()
    if not isinstance(candidate, str):
        return redirect(url_for("survey.withdraw"))
    if request.method == "POST":
        try:
            receipt = withdrawal_service.withdraw(db.session(), candidate, via="web")
        except ResponseNotFound:
            clear_session_keeping_language()
            return redirect(url_for("survey.withdraw"))
        # Nothing of the carer stays in the browser either (only the language they read).
        clear_session_keeping_language()
        log.info("response withdrawn on the web: %s answers deleted", receipt.answers_deleted)
        return redirect(url_for("survey.withdrawn"))
    return render_template("survey/withdraw_confirm.html")


@bp.get("/withdraw/done")
def withdrawn() -> str:
    return render_template("survey/withdrawn.html")
