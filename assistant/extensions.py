"""Flask extensions, created here and bound to the app in create_app()."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from assistant.database import db

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()

__all__ = ["babel", "csrf", "db", "login_manager"]
