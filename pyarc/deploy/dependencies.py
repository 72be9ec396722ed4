"""Install Python dependencies for Lambda's platform, not the machine running pyarc.

pip is asked for wheels only (`--only-binary=:all:`) built for the function's architecture
(aarch64 for arm64, x86_64), CPython and the runtime's Python version, so a package with
compiled code works on Lambda even when built on macOS or Windows. Each distinct
(requirements, platform) is installed once per deploy.

The platform tags are every manylinux tag the runtime's OS can load, newest first: Lambda's
python3.12+ runtimes run on Amazon Linux 2023 (glibc 2.34), python3.9-3.11 on Amazon Linux 2
(glibc 2.26). pip does not widen `--platform manylinux_2_34_x86_64` to older glibcs (it only
widens `manylinux2014` to `manylinux2010`/`manylinux1`), so each `manylinux_2_N` is passed;
with `manylinux2014` alone, wheels built only for `manylinux_2_28` (numpy 2.3, and whatever
cibuildwheel 3 builds by default) would be refused although Lambda runs them.

Node.js functions get their production dependencies from npm, run in a build folder holding a
copy of the package.json (and its lock file): `npm ci --omit=dev` when a lock file exists,
else `npm install --omit=dev`, with `--os linux --cpu arm64|x64 --libc glibc` so npm picks
the optional platform packages (esbuild's, sharp's...) for Lambda's machine. A package's own
install scripts still run here, so a module compiled by node-gyp is built for this machine:
ship such modules prebuilt for linux, or build on Lambda's architecture.
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
from pyarc.inventory.lambda_package import NPM_LOCKFILES, PACKAGE_FILE
from pyarc.inventory.model import FunctionConfig

MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}
NODE_CPUS = {"arm64": "arm64", "x86_64": "x64"}  # Lambda's architecture -> npm's `cpu`
AL2_GLIBC_MINOR = 26  # Amazon Linux 2: python3.9, 3.10, 3.11
AL2023_GLIBC_MINOR = 34  # Amazon Linux 2023: python3.12 and later
OLDEST_GLIBC_MINOR = 17  # manylinux2014; older tags come from pip's manylinux2014 expansion


def glibc_minor(python_version: str) -> int:
    """The glibc 2.x of the Lambda OS that runs `python_version` ("3.13" -> 34)."""
    minor = int(python_version.split(".")[1])
    return AL2023_GLIBC_MINOR if minor >= 12 else AL2_GLIBC_MINOR


@dataclass(frozen=True)
class Target:
    """The platform a function runs on."""

    machine: str  # "aarch64" or "x86_64"
    python_version: str  # e.g. "3.13"

    @classmethod
    def of(cls, config: FunctionConfig) -> Target:
        if not config.runtime.startswith("python3."):
            raise PyarcError(
                f"The runtime {config.runtime!r} is not a Python runtime; set runtime to "
                "python3.12 or python3.13 in @aws or the function's config.arc."
            )
        return cls(MACHINES[config.architecture], config.runtime.removeprefix("python"))

    @property
    def platforms(self) -> list[str]:
        """Every manylinux tag the runtime loads, newest first (pip prefers earlier ones)."""
        newest = glibc_minor(self.python_version)
        tags = [
            f"manylinux_2_{n}_{self.machine}" for n in range(newest, OLDEST_GLIBC_MINOR - 1, -1)
        ]
        return [*tags, f"manylinux2014_{self.machine}"]

    @property
    def platform(self) -> str:
        """The newest tag, naming the platform in messages (`manylinux_2_34_aarch64`)."""
        return self.platforms[0]

    def pip_args(self) -> list[str]:
        platforms = [arg for tag in self.platforms for arg in ("--platform", tag)]
        return [
            *platforms,
            "--only-binary=:all:",
            "--python-version", self.python_version,
            "--implementation", "cp",
        ]  # fmt: skip


@dataclass
class DependencyInstaller:
    """Runs `pip install --target` (and npm, for Node.js functions) into `work_dir`, once per
    distinct input."""

    work_dir: Path
    pip_args: list[str] = field(default_factory=list)
    npm_args: list[str] = field(default_factory=list)
    _done: dict[str, Path] = field(default_factory=dict)

    def install_node_package(self, folder: Path, config: FunctionConfig) -> Path:
        """Install the production dependencies of `folder`'s package.json for `config`'s
        architecture; return the folder holding their `node_modules`."""
        package_json = folder / PACKAGE_FILE
        locks = [folder / name for name in NPM_LOCKFILES if (folder / name).is_file()]
        cpu = NODE_CPUS[config.architecture]
        texts = [package_json.read_text(), *(f"{p.name}\n{p.read_text()}" for p in locks)]
        key = _digest(str(folder.resolve()), *texts, cpu, *self.npm_args)
        if key in self._done:
            return self._done[key]
        dest = self.work_dir / f"npm-{key[:16]}"
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        for source in (package_json, *locks):  # npm picks the lock file it reads
            shutil.copyfile(source, dest / source.name)
        npm = shutil.which("npm")
        if npm is None:
            raise PyarcError(
                f"Installing the dependencies of {package_json} needs npm, which is not on "
                "PATH; install Node.js (it brings npm) and deploy again."
            )
        verb = ["ci"] if locks else ["install", "--no-package-lock"]
        command = [
            npm, *verb, "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error",
            "--os=linux", f"--cpu={cpu}", "--libc=glibc", *self.npm_args,
        ]  # fmt: skip
        result = subprocess.run(command, cwd=dest, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            lines = [ln.strip() for ln in result.stderr.splitlines() if ln.strip()]
            reasons = [ln for ln in lines if not ln.startswith("npm error A complete log")]
            reason = reasons[-1] if reasons else f"npm exited with status {result.returncode}"
            raise PyarcError(
                f"Installing the dependencies of {package_json} for Lambda's linux {cpu} "
                f"failed ({reason}); run `npm {verb[0]}` in {package_json.parent} to see why."
            )
        (dest / "node_modules").mkdir(exist_ok=True)  # a package.json with no dependencies
        self._done[key] = dest
        return dest

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
