import os
import subprocess
import sys


def test_unreachable_database_gives_one_sentence_not_a_traceback():
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    result = subprocess.run(
        [sys.executable, "-m", "pcmd.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "không kết nối được cơ sở dữ liệu" in result.stderr
    assert "cannot reach the database" in result.stderr
