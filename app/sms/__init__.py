"""The SMS channel: Twilio webhooks (signature first, idempotent) and the development playground."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("sms", __name__)
dev_bp = Blueprint("dev_sms", __name__)


def register_sms(app: Flask) -> None:
    """The webhooks always; /dev/sms only in development with the console backend."""
    # Imported here, not at the top: services import app.sms.transport and texts, and must
    # not pull the views (which import those services) in with them.
    from app.extensions import csrf
    from app.sms import dev_views, webhooks  # noqa: F401  (routes register on import)
    from app.sms.signature_gate import TwilioSignatureGate

    # Twilio cannot send a CSRF token: its requests are authenticated by their signature.
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.wsgi_app = TwilioSignatureGate(  # type: ignore[method-assign]
        app.wsgi_app,
        app,
        {
            "/sms/inbound": lambda form, _query: webhooks.inbound_reply(form),
            "/sms/status": webhooks.status_reply,
        },
    )
    if app.config.get("SMS_BACKEND") == "console" and app.config.get("ENV_NAME") != "production":
        app.register_blueprint(dev_bp)
