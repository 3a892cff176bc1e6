"""Print a signed-in session cookie ("session=...") for a user, for load generators such as wrk: the
cookie a browser holds after signing in and opening its first page (which gives the session its
CSRF token)."""
import sys

from sqlalchemy import select

from fundapp import create_app
from fundapp.auth.models import User
from fundapp.extensions import db
from tests.conftest import sign_in

app = create_app()
client = app.test_client()
with app.app_context():
    sign_in(client, db.session.scalar(select(User).where(User.email == sys.argv[1])))
client.get("/account")
print(f"session={client.get_cookie('session').value}")
