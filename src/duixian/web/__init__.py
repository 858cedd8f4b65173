"""The web UI and JSON API of duixian (FastAPI, Jinja2): ``create_app(database_url)``."""

from duixian.web.app import create_app

__all__ = ["create_app"]
