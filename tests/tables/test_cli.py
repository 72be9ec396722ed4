"""`pyarc tables serve | ls | scan` as a user runs them."""

from __future__ import annotations

import subprocess
import sys

from pyarc.testing import free_port, wait_for_port


def pyarc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pyarc", "tables", *args],
                          capture_output=True, text=True, timeout=60, env={"COLUMNS": "200", "PATH": ""})


def test_serve_ls_scan(tmp_path, client_for):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "pyarc", "tables", "serve", "--port", str(port),
                               "--persist", str(tmp_path / "data"), "--cwd", str(tmp_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, timeout=30)
        url = f"http://127.0.0.1:{port}"
        client = client_for(url)
        client.create_table(TableName="pets", BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "name", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "name", "AttributeType": "S"}])
        client.put_item(TableName="pets", Item={"name": {"S": "rex"}, "legs": {"N": "4"}})
        listed = pyarc("ls", "--endpoint", url)
        assert listed.returncode == 0, listed.stderr
        assert "pets" in listed.stdout and "name (hash)" in listed.stdout
        scanned = pyarc("scan", "pets", "--endpoint", url)
        assert scanned.returncode == 0, scanned.stderr
        assert "rex" in scanned.stdout and "legs" in scanned.stdout
        missing = pyarc("scan", "ghosts", "--endpoint", url)
        assert missing.returncode == 2 and "ResourceNotFoundException" in missing.stderr
    finally:
        server.kill()
        server.wait(10)
    down = pyarc("ls", "--endpoint", f"http://127.0.0.1:{port}")
    assert down.returncode == 2 and "No tables endpoint answers" in down.stderr
