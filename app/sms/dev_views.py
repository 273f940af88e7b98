"""/dev/sms: try the whole text conversation in a browser (development, console backend only)."""

from __future__ import annotations

import uuid

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from app.extensions import db
from app.services.contacts import InvalidPhoneNumber, normalise_phone
from app.services.sms_inbound import InboundMessage, receive_inbound
from app.services.sms_thread import start_test_invitation, thread_for_phone
from app.sms import dev_bp
from app.sms.runtime import sms_context
from app.sms.transport import mask_phone

# The number lives in the signed session cookie, never in a URL (URLs reach access logs).
_PHONE_KEY = "dev_sms_phone"
_LAST_REPLY_KEY = "dev_sms_last_reply"
DEFAULT_TEST_PHONE = "+447911123456"


@dev_bp.get("/dev/sms")
def playground() -> str:
    phone = str(session.get(_PHONE_KEY) or DEFAULT_TEST_PHONE)
    ctx = sms_context()
    thread = thread_for_phone(db.session(), ctx.cipher, phone)
    return render_template(
        "dev/sms.html",
        phone=phone,
        masked=mask_phone(phone),
        thread=thread,
        last_reply=session.pop(_LAST_REPLY_KEY, None),
        error=session.pop("dev_sms_error", None),
    )


@dev_bp.post("/dev/sms")
def play() -> WerkzeugResponse:
    try:
        phone = normalise_phone(request.form.get("phone", ""))
    except InvalidPhoneNumber as problem:
        session["dev_sms_error"] = str(problem)
        return redirect(url_for("dev_sms.playground"))
    session[_PHONE_KEY] = phone
    ctx = sms_context()
    if request.form.get("action") == "invite":
        started = start_test_invitation(
            db.session(),
            ctx.cipher,
            ctx.library,
            ctx.settings,
            phone=phone,
            questionnaire_id=str(current_app.config["DEFAULT_QUESTIONNAIRE"]),
        )
        if not started:
            session["dev_sms_error"] = gettext(
                "Add an area first: %(command)s", command="flask --app wsgi demo seed"
            )
        return redirect(url_for("dev_sms.playground"))
    text = request.form.get("message", "")[:1600]
    sid = "SM" + uuid.uuid4().hex
    replies = receive_inbound(db.session(), ctx, InboundMessage(sid, phone, text))
    session[_LAST_REPLY_KEY] = replies
    return redirect(url_for("dev_sms.playground"))
