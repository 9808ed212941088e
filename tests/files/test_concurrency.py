"""Twenty uploads at once into a space 1 MiB from its quota: the quota holds, and the
refused uploads leave nothing on disk."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from extranet.files import services
from extranet.files.models import File, Quota

pytestmark = pytest.mark.django_db(transaction=True)

SIZE = 100 * 1024  # ten of them fit in 1 MiB, not eleven


def test_parallel_uploads_never_pass_the_quota(people, settings):
    group, member = people["groups"]["network"], people["member"]
    Quota.objects.create(workspace=group, limit_bytes=5 * 2**20, used_bytes=4 * 2**20)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def upload(n: int) -> None:
        data = (f"{n:02d}" * (SIZE // 2)).encode()
        try:
            barrier.wait()
            services.file_upload(
                actor=member,
                workspace=group,
                folder=None,
                upload=SimpleUploadedFile(f"part-{n}.txt", data),
                name=f"part-{n}.txt",
            )
            result = "stored"
        except services.QuotaExceeded:
            result = "refused"
        except Exception as error:  # reported in the assertion below
            result = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(set(outcomes)) == ["refused", "stored"], outcomes
    assert outcomes.count("stored") == 10
    quota = Quota.objects.get(pk=group.pk)
    assert quota.used_bytes == 4 * 2**20 + 10 * SIZE <= quota.limit
    assert File.objects.filter(workspace=group).count() == 10
    blobs = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(blobs) == 10
