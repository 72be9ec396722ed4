"""arc.json / arc.yaml / package.json mean exactly what the `.arc` form means; discovery order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pyarc.errors import ManifestError
from pyarc.manifest import MANIFEST_FILES, parse, read

ARC = """@app
my-app

@aws
region us-east-1
timeout 30
layers
  arn:one
  arn:two

@http
get /
post /things/:id

@static
folder assets
spa true

@events
hit

@queues
work

@tables
data
  scopeID *String
  dataID **String

@scheduled
daily rate(1 day)
"""

AS_JSON = {
    "app": "my-app",
    "aws": {"region": "us-east-1", "timeout": 30, "layers": ["arn:one", "arn:two"]},
    "http": [{"get": "/"}, {"post": "/things/:id"}],
    "static": {"folder": "assets", "spa": True},
    "events": ["hit"],
    "queues": {"work": {}},
    "tables": [{"data": {"scopeID": "*String", "dataID": "**String"}}],
    "scheduled": {"daily": "rate(1 day)"},
}

AS_YAML = """
app: my-app
aws:
  region: us-east-1
  timeout: 30
  layers: [arn:one, arn:two]
http:
  - get: /
  - post: /things/:id
static:
  folder: assets
  spa: true
events: [hit]
queues:
  work: {}
tables:
  - data:
      scopeID: "*String"
      dataID: "**String"
scheduled:
  daily: rate(1 day)
"""


def _expected() -> dict:
    arc = parse(ARC)
    # the .arc form splits `rate(1 day)` into two words on one line; JSON keeps one string
    arc["scheduled"] = [["daily", "rate(1 day)"]]
    return arc


def test_json_equals_arc(tmp_path: Path) -> None:
    (tmp_path / "arc.json").write_text(json.dumps(AS_JSON))
    path, data = read(tmp_path)
    assert path == tmp_path / "arc.json"
    assert data == _expected()


@pytest.mark.parametrize("name", ["arc.yaml", "arc.yml"])
def test_yaml_equals_arc(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(AS_YAML)
    path, data = read(tmp_path)
    assert path.name == name
    assert data == _expected()


def test_package_json_arc_key(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"name": "x", "arc": AS_JSON}))
    path, data = read(tmp_path)
    assert path.name == "package.json"
    assert data == _expected()


def test_package_json_without_arc_is_not_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"name": "x"}))
    with pytest.raises(ManifestError) as caught:
        read(tmp_path)
    assert str(tmp_path) in str(caught.value)
    for name in ("app.arc", ".arc", "arc.json", "arc.yaml", "arc.yml", "package.json"):
        assert name in str(caught.value)


def test_precedence_order(tmp_path: Path) -> None:
    contents = {
        "app.arc": "@app\nfrom-app-arc\n",
        ".arc": "@app\nfrom-dot-arc\n",
        "arc.json": json.dumps({"app": "from-json"}),
        "arc.yaml": "app: from-yaml\n",
        "arc.yml": "app: from-yml\n",
        "package.json": json.dumps({"arc": {"app": "from-package"}}),
    }
    expected = ["from-app-arc", "from-dot-arc", "from-json", "from-yaml", "from-yml",
                "from-package"]
    for name in MANIFEST_FILES:
        (tmp_path / name).write_text(contents[name])
    for name, app in zip(MANIFEST_FILES, expected, strict=True):
        path, data = read(tmp_path)
        assert (path.name, data["app"]) == (name, [app])
        path.unlink()


def test_invalid_json_reports_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "arc.json").write_text('{\n  "app": "x",\n  oops\n}\n')
    with pytest.raises(ManifestError) as caught:
        read(tmp_path)
    assert (caught.value.line, caught.value.column) == (3, 3)
    assert "invalid JSON" in caught.value.message


def test_invalid_yaml_reports_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "arc.yaml").write_text("app: x\nhttp: [get\n")
    with pytest.raises(ManifestError) as caught:
        read(tmp_path)
    assert caught.value.line >= 2
    assert "invalid YAML" in caught.value.message


def test_json_top_level_must_be_an_object(tmp_path: Path) -> None:
    (tmp_path / "arc.json").write_text("[1, 2]")
    with pytest.raises(ManifestError, match="must be an object"):
        read(tmp_path)


def test_json_invalid_lambda_item(tmp_path: Path) -> None:
    (tmp_path / "arc.json").write_text(json.dumps({"app": "x", "events": [None]}))
    with pytest.raises(ManifestError, match="invalid 'events' item"):
        read(tmp_path)


def test_arc_syntax_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "app.arc").write_text("@app\nx {\n")
    with pytest.raises(ManifestError) as caught:
        read(tmp_path)
    assert caught.value.file == str(tmp_path / "app.arc")
    assert (caught.value.line, caught.value.column) == (2, 3)
