"""Print a signed-in session cookie ("session=...") for a user, for load generators such as wrk."""
import sys
import time

from sqlalchemy import select

from fundapp import create_app
from fundapp.auth.models import User
from fundapp.extensions import db

app = create_app()
with app.app_context():
    token = db.session.scalar(select(User.session_token).where(User.email == sys.argv[1]))
client = app.test_client()
with client.session_transaction() as session:
    session["_user_id"], session["_fresh"], session["last_seen"] = token, True, time.time() + 3600
print(f"session={client.get_cookie('session').value}")
