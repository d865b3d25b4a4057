"""The service's image, built by .ci/run with deploy/build-image.sh where a container engine runs: started
with a data volume, an account made with `jxcheck admin` inside it, the seed checked through the service,
stopped. Skipped loudly where no image was built (JXCHECK_IMAGE unset)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from tests.conftest import SEED

IMAGE = os.environ.get("JXCHECK_IMAGE")
pytestmark = pytest.mark.skipif(not IMAGE or not shutil.which("docker"),
                                reason="NO CONTAINER IMAGE: .ci/run builds one where a container engine runs")


def _docker(*args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, input=stdin, timeout=300)


def test_the_image_serves_the_seed(tmp_path):
    import httpx2 as httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    volume = f"jxcheck-test-{port}"
    name = _docker("run", "-d", "--network", "host", "-v", f"{volume}:/data", IMAGE, "jxcheck", "serve", "--data",
                   "/data", "--host", "127.0.0.1", "--port", str(port)).stdout.strip()
    try:
        for args, stdin in ((("unit-add", "--code", "001", "--name", "永州市应急管理局"), None),
                            (("user-add", "clerk", "--unit", "001", "--password-stdin"), "a-long-password\n")):
            _docker("exec", "-i", name, "jxcheck", "admin", "--data", "/data", *args, stdin=stdin)
        base = f"http://127.0.0.1:{port}"
        end = time.time() + 60
        while time.time() < end:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        assert _docker("inspect", "--format", "{{.Config.User}}", name).stdout.strip() == "jxcheck"  # not root
        with httpx.Client(base_url=base, timeout=120, headers={"origin": base}) as client:
            csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
            assert client.post("/login", data={"username": "clerk", "password": "a-long-password",
                                               "csrf": csrf}).status_code in (200, 303)
            # an account the admin made chooses its own password first
            csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/unit", follow_redirects=True).text).group(1)
            assert client.post("/password", data={"csrf": csrf, "old": "a-long-password", "new": "my-own-password",
                                                  "again": "my-own-password"}).status_code == 303
            csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/unit").text).group(1)
            r = client.post("/unit/checks", data={"csrf": csrf},
                            files=[("files", ("seed.txt", SEED.read_bytes(), "text/plain"))], follow_redirects=True)
            assert r.status_code == 200 and "seed.txt" in r.text and "错误 " in r.text
    finally:
        _docker("rm", "-f", name, check=False)
        _docker("volume", "rm", volume, check=False)
