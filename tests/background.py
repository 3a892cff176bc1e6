"""Background work in page tests: a page starts it and sends its user to the work's page; the test runs
the worker (JOB_QUEUE is "manual") and reads that page again."""
import re
from urllib.parse import urlparse

from fundapp.notifications import worker


def task_path(response) -> str:
    """The path of the work's page a page's answer sent its user to."""
    assert response.status_code == 302, response.status_code
    path = urlparse(response.headers["Location"]).path
    assert re.fullmatch(r"/tasks/\d+", path), path
    return path


def run_task(client, path: str) -> None:
    """Run, as a worker would, the work whose page is at path."""
    with client.application.app_context():
        worker.run_job(int(path.rsplit("/", 1)[1]))


def run_started(client, response):
    """Run the work a page's answer started; its page then, as its user reads it."""
    path = task_path(response)
    run_task(client, path)
    return client.get(path)


def downloaded(client, page):
    """The file a finished work's page offers for download, as its user downloads it."""
    link = re.search(rb'href="(/tasks/\d+/download)"', page.data)
    assert link, "no download offered"
    response = client.get(link.group(1).decode())
    response.get_data()              # read whole, then the file sent is closed
    response.close()
    return response


def exported_queue(client, fund, kind: str = "csv", **filters):
    """The fund's queue of applications exported from its page, as filtered, downloaded once made."""
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    started = client.post(f"/funds/{fund.id}/applications/export?{query}", data={"format": kind})
    return downloaded(client, run_started(client, started))
