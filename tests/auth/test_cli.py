"""The ``flask create-admin`` command."""

from app.auth.services import verify_password
from app.extensions import db
from app.models import User
from tests.factories import make_user

PASSWORD = "an admin passphrase"


def admin(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_create_admin_with_options(app, runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "Root@Agora.example",
            "--name",
            "Root",
            "--password",
            PASSWORD,
        ]
    )

    assert result.exit_code == 0, result.output
    assert "Created administrator root@agora.example" in result.output
    user = admin(app, "root@agora.example")
    assert user.is_admin and user.is_email_confirmed and user.display_name == "Root"
    assert verify_password(user.password_hash, PASSWORD)


def test_create_admin_prompts_for_a_hidden_password_twice(app, runner):
    result = runner.invoke(
        args=["create-admin", "--email", "root@agora.example"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )

    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert "Repeat for confirmation" in result.output
    assert verify_password(admin(app, "root@agora.example").password_hash, PASSWORD)


def test_create_admin_refuses_a_weak_password(app, runner):
    result = runner.invoke(
        args=["create-admin", "--email", "root@agora.example", "--password", "admin"]
    )

    assert result.exit_code == 1
    assert "Error: Use at least 10 characters." in result.output
    assert admin(app, "root@agora.example") is None


def test_create_admin_refuses_a_bad_email(app, runner):
    result = runner.invoke(
        args=["create-admin", "--email", "root-at-agora", "--password", PASSWORD]
    )

    assert result.exit_code == 1
    assert "Error: Please enter a valid email address." in result.output


def test_create_admin_promotes_an_existing_account(app, runner):
    with app.app_context():
        make_user(email="amina@example.org", confirmed=False)
        db.session.commit()

    result = runner.invoke(args=["create-admin", "--email", "amina@example.org"])

    assert result.exit_code == 0, result.output
    assert "Promoted administrator amina@example.org" in result.output
    user = admin(app, "amina@example.org")
    assert user.is_admin and user.is_email_confirmed
