"""Flask extensions, created once and unbound; ``create_app`` binds them."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from app.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
mail = Mail()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class AgoraTalisman(Talisman):
    """Flask-Talisman that leaves alone a content policy the view set itself.

    Talisman writes the site policy over whatever the response carries, so a download
    answered with ``Content-Security-Policy: sandbox`` would lose its sandbox. A view that
    sets a policy chose it for that answer: keep it.
    """

    def _set_content_security_policy_headers(self, headers, options):
        own = headers.getlist("Content-Security-Policy")
        super()._set_content_security_policy_headers(headers, options)
        if own:
            headers.setlist("Content-Security-Policy", own)


talisman = AgoraTalisman()
