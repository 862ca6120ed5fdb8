"""The release that builds (``tox -e build``, in .ci/run): build the sdist and
the wheel, ``twine check --strict`` them, check what the wheel carries (the
package with its ``py.typed``, the license, nothing else: no tests,
benchmarks or localcloud), install the wheel into a fresh virtualenv and run
``pyrax-image --version`` and ``import pyrax_image`` there, outside the
checkout. Exits non-zero, naming the problem, on the first failure."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parents[1]
NOT_SHIPPED = ("tests/", "benchmarks/", "localcloud/", "examples/", "docs/", ".ci/")


def version() -> str:
    about: dict = {}
    exec((ROOT / "pyrax_image" / "version.py").read_text(), about)
    return str(about["__version__"])


def run(*command: str, cwd: Path = ROOT) -> str:
    print("$ " + " ".join(command), flush=True)
    done = subprocess.run(command, cwd=str(cwd), capture_output=True, text=True)
    print(done.stdout + done.stderr if done.returncode else done.stdout, end="", flush=True)
    if done.returncode:
        sys.exit("failed (exit status %d): %s" % (done.returncode, " ".join(command)))
    return done.stdout


def check(condition: bool, problem: str) -> None:
    if not condition:
        sys.exit("dist check failed: " + problem)


def check_wheel(wheel: Path, expected_version: str) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    dist_info = "pyrax_image-%s.dist-info/" % expected_version
    strays = [name for name in names if not name.startswith(("pyrax_image/", dist_info))]
    check(not strays, "the wheel carries more than the package: %s" % strays)
    check("pyrax_image/py.typed" in names, "the wheel has no pyrax_image/py.typed")
    check(dist_info + "licenses/LICENSE" in names or dist_info + "LICENSE" in names, "the wheel has no LICENSE")
    check(not [name for name in names if "__pycache__" in name], "the wheel carries __pycache__")
    print("wheel: %d files, the package, py.typed and the license only" % len(names))


def check_sdist(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        names = [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]
    for needed in ("LICENSE", "README.md", "CHANGELOG.md", "setup.py", "pyproject.toml", "pyrax_image/py.typed"):
        check(needed in names, "the sdist has no %s" % needed)
    strays = [name for name in names if name.startswith(NOT_SHIPPED)]
    check(not strays, "the sdist carries %s" % strays[:5])
    print("sdist: %d files" % len(names))


def check_installed(wheel: Path, expected_version: str, work: Path) -> None:
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True).create(str(env_dir))
    python, script = env_dir / "bin" / "python", env_dir / "bin" / "pyrax-image"
    run(str(python), "-m", "pip", "install", "--quiet", str(wheel))
    said = run(str(script), "--version", cwd=work).strip()
    check(said == "pyrax-image %s" % expected_version, "pyrax-image --version said %r" % said)
    code = "import pyrax_image, sys; print(pyrax_image.__version__, pyrax_image.__file__); pyrax_image.ImageClient"
    imported = run(str(python), "-c", code, cwd=work).split()
    check(imported[0] == expected_version, "pyrax_image.__version__ is %r" % imported[0])
    check(imported[1].startswith(str(env_dir)), "imported from %s, not the installed wheel" % imported[1])


def main() -> None:
    expected = version()
    with tempfile.TemporaryDirectory(prefix="pyrax_image-dist-") as tmp:
        work = Path(tmp)
        out = work / "dist"
        run(sys.executable, "-m", "build", "--outdir", str(out), str(ROOT))
        built: List[Path] = sorted(out.iterdir())
        print("built: " + ", ".join(path.name for path in built))
        wheels = [path for path in built if path.suffix == ".whl"]
        sdists = [path for path in built if path.name.endswith(".tar.gz")]
        check(
            [p.name for p in wheels] == ["pyrax_image-%s-py3-none-any.whl" % expected]
            and [p.name for p in sdists] == ["pyrax_image-%s.tar.gz" % expected],
            "expected one wheel and one sdist of version %s, got %s" % (expected, [p.name for p in built]),
        )
        run(sys.executable, "-m", "twine", "check", "--strict", *map(str, built))
        check_wheel(wheels[0], expected)
        check_sdist(sdists[0])
        check_installed(wheels[0], expected, work)
    print("release %s: built, checked, installed and run" % expected)


if __name__ == "__main__":
    os.environ.pop("PYTHONPATH", None)
    main()
