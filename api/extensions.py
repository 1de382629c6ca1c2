"""Extension singletons, wired to the app in create_app(); no logic here."""
from typing import TYPE_CHECKING

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# The base of the models: db.Model at run time; mypy sees the declarative base it is built on.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
