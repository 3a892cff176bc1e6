"""fundapp with one more route, /floor: the base template rendered without the database. The
throughput benchmark divides the queue page's requests per second by this page's."""
from flask import render_template

from fundapp import create_app

app = create_app()


@app.get("/floor")
def floor():
    return render_template("base.html")
