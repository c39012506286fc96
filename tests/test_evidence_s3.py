"""Evidence in an S3-compatible store (LUOSHI_S3_BUCKET): a real HTTP S3 server on loopback, from moto."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from luoshi.testing import sqlite_pass_only

LUOSHI = str(Path(sys.executable).parent / "luoshi")

UPLOAD = """
import datetime as dt
import boto3
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.storage import storages
from luoshi.core import clock
from luoshi.testing import DEFAULT_NOW, build_city, make_task
from luoshi.dispatch import services
clock.set_now(DEFAULT_NOW)  # a process of its own: hold its clock where the tests' stands
city = build_city()
task = make_task(city, lead_unit=city.qingshan)
cadence = services.create_cadence(by=city.city_supervisor, task_list=city.economy, name="一周一调度",
                                  frequency="weekly", anchor=dt.date(2026, 1, 5), due_time=dt.time(17))
cycle = services.open_cycle(cadence=cadence, number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC))
report = cycle.reports.get()
upload = SimpleUploadedFile("现场照片.pdf", b"%PDF-1.7 evidence", content_type="application/pdf")
evidence = services.add_evidence(report=report, by=city.county_liaison, upload=upload)
assert type(storages["default"]).__name__ == "S3Storage"
s3 = boto3.client("s3", endpoint_url="{endpoint}", aws_access_key_id="k", aws_secret_access_key="s",
                  region_name="us-east-1")
body = s3.get_object(Bucket="evidence", Key="luoshi/" + evidence.file.name)["Body"].read()
assert body == b"%PDF-1.7 evidence", body
print("stored", evidence.file.name)

# Whoever sees the report reads the file back through Luoshi, streamed from the bucket.
from django.test import Client
office = Client(SERVER_NAME="localhost")
office.force_login(city.city_supervisor)
answer = office.get(f"/reports/{report.pk}/evidence/{evidence.pk}/")
assert answer.status_code == 200 and answer.streaming, answer.status_code
assert b"".join(answer.streaming_content) == b"%PDF-1.7 evidence"
assert answer["Content-Disposition"].startswith("inline;"), answer["Content-Disposition"]
print("read back through Luoshi")

# A submission whose second file the bucket refuses takes its first file back out of the bucket.
from storages.backends.s3 import S3Storage
put = S3Storage._save
def refuse_the_second(self, name, content, calls=[]):
    calls.append(name)
    if len(calls) == 2:
        raise OSError("the bucket stopped answering")
    return put(self, name, content)
S3Storage._save = refuse_the_second
uploads = [SimpleUploadedFile(n, ("%PDF-1.7 " + n).encode(), content_type="application/pdf")
           for n in ("一.pdf", "二.pdf")]
try:
    services.submit_report(report=report, by=city.county_liaison, expected_version=report.version,
                           data=services.ReportData(percent=60, progress="主体完工"),
                           idempotency_key="k-1", uploads=uploads)
except OSError:
    pass
else:
    raise AssertionError("the submission should have failed")
keys = [o["Key"] for o in s3.list_objects_v2(Bucket="evidence")["Contents"]]
assert keys == ["luoshi/" + evidence.file.name], keys
assert report.evidence.count() == 1
print("nothing left of the failed submission")
"""


@pytest.fixture
def s3_server():
    moto_server = pytest.importorskip("moto.server")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    import boto3

    boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
    ).create_bucket(Bucket="evidence")
    yield endpoint
    server.stop()


@sqlite_pass_only("its `luoshi` process runs on a SQLite file of its own, in either pass")
def test_evidence_goes_to_the_s3_bucket_when_one_is_set(s3_server, tmp_path):
    env = {
        **os.environ,
        "LUOSHI_VAR_DIR": str(tmp_path),
        "LUOSHI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LUOSHI_S3_BUCKET": "evidence",
        "LUOSHI_S3_ENDPOINT": s3_server,
        "LUOSHI_S3_ACCESS_KEY": "k",
        "LUOSHI_S3_SECRET_KEY": "s",
        "LUOSHI_S3_REGION": "us-east-1",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    assert subprocess.run([LUOSHI, "migrate", "-v0"], env=env, timeout=300).returncode == 0
    script = UPLOAD.replace("{endpoint}", s3_server)
    done = subprocess.run(
        [LUOSHI, "shell", "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "stored evidence/" in done.stdout
    assert "nothing left of the failed submission" in done.stdout
    assert "read back through Luoshi" in done.stdout
