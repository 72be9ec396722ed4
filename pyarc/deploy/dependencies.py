"""Install Python dependencies for Lambda's platform, not the machine running pyarc.

pip is asked for wheels only (`--only-binary=:all:`) built for the function's architecture
(`manylinux2014_aarch64` for arm64, `manylinux2014_x86_64` for x86_64), CPython and the
runtime's Python version, so a package with compiled code works on Lambda even when built on
macOS or Windows. Each distinct (requirements, platform) is installed once per deploy.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pyarc.deploy.runtime_helper import runtime_helper_requirements
from pyarc.errors import PyarcError
from pyarc.inventory.model import FunctionConfig

PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}


@dataclass(frozen=True)
class Target:
    """The platform a function runs on."""

    platform: str  # e.g. "manylinux2014_aarch64"
    python_version: str  # e.g. "3.13"

    @classmethod
    def of(cls, config: FunctionConfig) -> Target:
        if not config.runtime.startswith("python3."):
            raise PyarcError(
                f"The runtime {config.runtime!r} is not a Python runtime; set runtime to "
                "python3.12 or python3.13 in @aws or the function's config.arc."
            )
        return cls(PLATFORMS[config.architecture], config.runtime.removeprefix("python"))

    def pip_args(self) -> list[str]:
        return [
            "--platform", self.platform,
            "--only-binary=:all:",
            "--python-version", self.python_version,
            "--implementation", "cp",
        ]  # fmt: skip


@dataclass
class DependencyInstaller:
    """Runs `pip install --target` into `work_dir`, once per distinct input."""

    work_dir: Path
    pip_args: list[str] = field(default_factory=list)
    _done: dict[str, Path] = field(default_factory=dict)

    def install_requirements_file(self, requirements: Path, config: FunctionConfig) -> Path:
        """Install `requirements` (run from its own directory, so relative paths in it work)."""
        target = Target.of(config)
        text = requirements.read_text()
        key = _digest(str(requirements.resolve()), text, target)
        return self._install(
            key, ["-r", str(requirements)], requirements.parent, target, what=str(requirements)
        )

    def install_runtime_helper_deps(
        self, config: FunctionConfig, requirements: list[str] | None = None
    ) -> Path | None:
        """Install what pyarc.functions needs beyond Lambda's runtime; None when nothing."""
        needed = runtime_helper_requirements() if requirements is None else requirements
        if not needed:
            return None
        target = Target.of(config)
        key = _digest("pyarc.functions", "\n".join(needed), target)
        return self._install(key, needed, self.work_dir, target, what="pyarc.functions")

    def _install(self, key: str, args: list[str], cwd: Path, target: Target, what: str) -> Path:
        if key in self._done:
            return self._done[key]
        self.work_dir.mkdir(parents=True, exist_ok=True)
        dest = self.work_dir / f"deps-{key[:16]}"
        command = [
            sys.executable, "-m", "pip", "install",
            "--target", str(dest),
            "--no-compile", "--disable-pip-version-check", "--quiet", "--upgrade",
            *target.pip_args(), *self.pip_args, *args,
        ]  # fmt: skip
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            lines = [ln.strip() for ln in result.stderr.splitlines() if ln.strip()]
            reason = lines[-1] if lines else f"pip exited with status {result.returncode}"
            raise PyarcError(
                f"Installing the dependencies of {what} for {target.platform} Python "
                f"{target.python_version} failed ({reason}); check that every package has a "
                "wheel for that platform."
            )
        shutil.rmtree(dest / "bin", ignore_errors=True)  # console scripts Lambda never runs
        self._done[key] = dest
        return dest


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x00".join(map(str, parts)).encode()).hexdigest()
