"""checkov finds no failed check in any template the template tests build (issue 16 item 6);
cfn-lint with informational checks runs in every `validate`/`lint` (conftest.py).

checkov pins boto3/botocore/networkx versions older than pyarc's own test dependencies, so
it lives in its own virtualenv: `.venv-checkov` (made by scripts/test), or the executable
named by $PYARC_CHECKOV."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pyarc.inventory import load
from pyarc.template import build, render

HERE = Path(__file__).parent
REPO = HERE.parent.parent


def checkov() -> str:
    for candidate in (os.environ.get("PYARC_CHECKOV"), str(REPO / ".venv-checkov/bin/checkov")):
        if candidate and Path(candidate).is_file():
            return candidate
    found = shutil.which("checkov")
    assert found, "checkov is not installed: run scripts/test, or set PYARC_CHECKOV"
    return found


def failed_checks(directory: Path) -> list[str]:
    result = subprocess.run(
        [checkov(), "-d", str(directory), "--framework", "cloudformation", "--output", "json",
         "--quiet", "--skip-download"],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert result.stdout.strip(), result.stderr[-2000:]
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = []
    for report in reports:
        for check in report.get("results", {}).get("failed_checks", []):
            failed.append(f"{check['file_path']} {check['resource']} {check['check_id']}")
        assert report.get("summary", {}).get("passed", 0) > 0
    return failed


def test_every_template_passes_checkov(tmp_path, app):
    from tests.template.test_validation import MATRIX  # noqa: PLC0415

    out = tmp_path / "templates"
    out.mkdir()
    for case in MATRIX:
        builder = type(app)(tmp_path / case.__name__)
        case(builder)
        for env in ("staging", "production"):
            (out / f"{case.__name__}-{env}.yaml").write_text(render(build(builder.inventory, env)))
    for name in ("everything", "rights"):
        shutil.copytree(HERE / "apps" / name, tmp_path / name)
        for env in ("staging", "production"):
            template = build(load(tmp_path / name), env)
            (out / f"{name}-{env}.yaml").write_text(render(template))
    for name in ("cage_socket", "cage_socket_js"):  # Python, and Node.js on @architect/functions
        example = load(REPO / "examples" / name)
        (out / f"{name}.yaml").write_text(render(build(example, "production")))
    assert failed_checks(out) == []


def test_checkov_does_fail_an_unsafe_template(tmp_path):
    """The scanner is really looking: a public bucket without encryption fails it."""
    (tmp_path / "bad.yaml").write_text(
        "Resources:\n  Open:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        "      PublicAccessBlockConfiguration:\n        BlockPublicPolicy: false\n"
    )
    assert failed_checks(tmp_path)


@pytest.mark.parametrize("check", ["CKV_AWS_117", "CKV_AWS_158"])
def test_each_accepted_finding_carries_its_reason(app, check):
    app.http("get", "/", "get-index")
    resources = build(app.inventory)["Resources"]
    kind = "AWS::Serverless::Function" if check == "CKV_AWS_117" else "AWS::Logs::LogGroup"
    for resource in resources.values():
        if resource["Type"] == kind:
            skips = {s["id"]: s["comment"] for s in resource["Metadata"]["checkov"]["skip"]}
            assert len(skips[check]) > 30
