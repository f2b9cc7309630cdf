"""``flask demo`` loads the demo data, and refuses a production configuration."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Edition


def edition_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Edition))


def test_demo_command_loads_then_finds_everything_there(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Edition: 4 created" in result.output
    assert "startup@demo.agora" in result.output
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert "nothing created" in again.output
    assert edition_count(app) == 4


def test_demo_command_refuses_production_without_force(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "production" in result.output
    assert edition_count(app) == 0
    forced = runner.invoke(args=["demo", "--force"])
    assert forced.exit_code == 0, forced.output
    assert edition_count(app) == 4
