"""Each autograder zip in a real container, the way Gradescope builds and runs it.

Gradescope's layout: the zip unpacked into /autograder/source, its ``setup.sh`` run from there to
build the image, ``run_autograder`` copied to /autograder/run_autograder; per submission a fresh
container with the files in /autograder/submission, which must leave
/autograder/results/results.json. Here the engine is Debian's ``docker.io``, started for the run
and stopped after it, and the base image is Debian bookworm from ``debootstrap`` (its Python 3.11,
which setup.sh accepts, stands in for Ubuntu 24.04's 3.12). The build has the network of this
machine; its internet is on loopback: a CPU torch wheel (PyTorch's own index is out of reach) and
the data set's mirror, and PyPI through this machine's CA bundle, bind-mounted for the build only.
Grading runs have Gradescope's defaults: ``--memory=768m --cpus=0.5``, default capabilities and
seccomp, ``--network=none``.

Every zip's ``requirements.txt`` is the same (checked): one shared image holds the venv with the
pip install done, and each zip's image is that image plus its own unchanged ``setup.sh`` run (which
then finds every requirement installed, and fetches 05's data).

    .venv/bin/python scripts/gradescope_docker.py build            # the images (cached by content)
    .venv/bin/python scripts/gradescope_docker.py run 05-fashion-mnist examples/05-fashion-mnist/reference.ipynb
    .venv/bin/python scripts/gradescope_docker.py stop             # the engine this script started
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grading.course import ASSIGNMENT_IDS  # noqa: E402
from grading.layout import autograder_zip  # noqa: E402
from student_utils.data import find_directory  # noqa: E402

STATE = Path(os.environ.get("NN_DOCKER_STATE", "/var/lib/nn-course-docker"))  # engine data, rootfs, wheels
RUN = Path(os.environ.get("NN_DOCKER_RUN", "/run/nn-course-docker"))  # socket, pid file
SOCKET = f"unix://{RUN}/docker.sock"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
SUITE, MIRROR = "bookworm", "http://deb.debian.org/debian"
GRADESCOPE_DEFAULTS = ("--memory=768m", "--cpus=0.5", "--network=none")
BASE, SHARED = "nn-gs/base:bookworm", "nn-gs/shared"


def docker(*args: str, check: bool = True, capture: bool = True, timeout: float | None = None, **kw):
    done = subprocess.run(
        ["docker", *args],
        env={**os.environ, "DOCKER_HOST": SOCKET},
        capture_output=capture,
        text=True,
        timeout=timeout,
        **kw,
    )
    if check and done.returncode:
        raise RuntimeError(f"docker {' '.join(args[:3])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def _engine_answers() -> bool:
    try:
        return docker("version", check=False, timeout=20).returncode == 0
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


def install_engine() -> None:
    """Debian's docker.io (the engine) and debootstrap (the base image), where missing."""
    missing = [pkg for pkg, exe in (("docker.io", "dockerd"), ("debootstrap", "debootstrap")) if not shutil.which(exe)]
    if not shutil.which("docker") and "docker.io" not in missing:
        missing.append("docker.io")
    if missing:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)


def start_engine() -> subprocess.Popen | None:
    """Start a dockerd of our own (its own socket and data root, no bridge, no iptables); None
    when one of ours already answers."""
    if _engine_answers():
        return None
    install_engine()
    RUN.mkdir(parents=True, exist_ok=True)
    STATE.mkdir(parents=True, exist_ok=True)
    log = open(STATE / "dockerd.log", "ab")
    for driver in ("overlay2", "vfs"):
        proc = subprocess.Popen(
            [
                "dockerd",
                f"--data-root={STATE / 'engine'}",
                f"--exec-root={RUN / 'exec'}",
                f"--pidfile={RUN / 'dockerd.pid'}",
                f"--host={SOCKET}",
                "--iptables=false",
                "--ip6tables=false",
                "--bridge=none",
                f"--storage-driver={driver}",
            ],
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        for _ in range(60):
            if proc.poll() is not None:
                break
            if _engine_answers():
                return proc
            time.sleep(0.5)
        stop_engine(proc)
    raise RuntimeError(f"dockerd did not start: see {STATE / 'dockerd.log'}")


def stop_engine(proc: subprocess.Popen | None = None) -> None:
    """Stop the dockerd this script started (by its own pid), and its containerd with it."""
    pidfile = RUN / "dockerd.pid"
    pid = proc.pid if proc else int(pidfile.read_text()) if pidfile.exists() else None
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, 15)
    for _ in range(60):
        try:
            if proc is not None and proc.poll() is not None:
                return
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, 9)


@contextlib.contextmanager
def engine():
    proc = start_engine()
    try:
        yield
    finally:
        if proc is not None:
            stop_engine(proc)


def _image_label(image: str, key: str) -> str | None:
    done = docker("image", "inspect", "--format", f'{{{{index .Config.Labels "{key}"}}}}', image, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def base_image() -> str:
    """Debian bookworm, minbase plus Python and its venv (the archive this machine's apt uses)."""
    if _image_label(BASE, "nn.suite") == SUITE:
        return BASE
    rootfs = STATE / "rootfs"
    if not (rootfs / "usr/bin/python3").exists():  # a finished debootstrap of an earlier try is kept
        shutil.rmtree(rootfs, ignore_errors=True)
        include = "--include=python3,python3-venv,ca-certificates"
        subprocess.run(["debootstrap", "--variant=minbase", include, SUITE, str(rootfs), MIRROR], check=True)
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    docker(
        "import",
        "--change",
        f"LABEL nn.suite={SUITE}",
        "--change",
        'CMD ["/bin/bash"]',
        "-",
        BASE,
        stdin=tar.stdout,
    )
    tar.wait()
    shutil.rmtree(rootfs)
    return BASE


def common_requirements() -> str:
    texts = {a: zipfile.ZipFile(autograder_zip(a)).read("requirements.txt").decode() for a in ASSIGNMENT_IDS}
    if len(set(texts.values())) != 1:
        raise RuntimeError(f"the zips' requirements.txt differ, so no shared layer: {sorted(texts)}")
    return next(iter(texts.values()))


def _pin(requirements: str, name: str) -> str:
    return next(line.strip() for line in requirements.splitlines() if line.strip().startswith(f"{name}=="))


@contextlib.contextmanager
def loopback(requirements: str):
    """The build's internet, on loopback: a CPU torch wheel and the data set's mirror."""
    wheels = STATE / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    torch = _pin(requirements, "torch")
    if not any(p.name.startswith(f"torch-{torch.split('==')[1]}+cpu") for p in wheels.glob("*.whl")):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", torch, "--no-deps", "-d", str(wheels), "--quiet"], check=True
        )
    if not any("+cpu" in p.name for p in wheels.glob("torch-*.whl")):
        raise RuntimeError(f"no CPU torch wheel for {torch} in {wheels}")
    served = Path(tempfile.mkdtemp(prefix="nn-gs-serve-"))
    (served / "wheels").symlink_to(wheels)
    data = find_directory()
    if data:
        (served / "fashion-mnist").symlink_to(data)
    handler = functools.partial(_QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        shutil.rmtree(served)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _build_in_container(image: str, tag: str, script: str, url: str, labels: dict[str, str], mounts=()) -> None:
    """Run ``script`` as root in a container of ``image`` with this machine's network (the build's
    only), the CA bundle and the script bind-mounted (not committed), then commit it as ``tag``."""
    build = Path(tempfile.mkdtemp(prefix="nn-gs-build-"))
    shutil.copy(CA_BUNDLE, build / "ca.crt")
    env = {
        "PIP_CERT": "/nn-build/ca.crt",
        "PIP_FIND_LINKS": f"{url}/wheels/",
        "PIP_RETRIES": "1",
        "PIP_DEFAULT_TIMEOUT": "60",
        "FASHION_MNIST_MIRROR": f"{url}/fashion-mnist/",
    }
    exports = "".join(f"export {k}={v}\n" for k, v in env.items())
    (build / "build.sh").write_text(f"set -euo pipefail\n{exports}{script}\n")
    name = f"nn-gs-build-{os.getpid()}-{tag.replace('/', '-').replace(':', '-')}"
    docker("rm", "-f", name, check=False)
    args = ["--network=host", "-v", f"{build}:/nn-build:ro", *(a for m in mounts for a in ("-v", m))]
    try:
        done = docker("run", "--name", name, *args, image, "bash", "/nn-build/build.sh", check=False, timeout=3600)
        if done.returncode:
            raise RuntimeError(f"building {tag} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        changes = [a for k, v in labels.items() for a in ("--change", f"LABEL {k}={v}")]
        docker("commit", *changes, "--change", 'CMD ["/autograder/run_autograder"]', name, tag)
    finally:
        docker("rm", "-f", name, check=False)
        shutil.rmtree(build)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def shared_image(requirements: str, url: str) -> str:
    """The layers every zip shares: the base and setup.sh's venv with its pip install done."""
    key = _sha(requirements.encode() + BASE.encode())
    tag = f"{SHARED}:{key}"
    if _image_label(tag, "nn.key") == key:
        return tag
    script = (
        "mkdir -p /nn-req && cat > /nn-req/requirements.txt <<'EOF'\n"
        f"{requirements}\nEOF\n"
        "python3 -m venv /opt/nn-course/venv\n"
        "/opt/nn-course/venv/bin/pip install --quiet --disable-pip-version-check --no-cache-dir"
        " -r /nn-req/requirements.txt\nrm -rf /nn-req"
    )
    _build_in_container(base_image(), tag, script, url, {"nn.key": key})
    return tag


def zip_image(assignment: str, shared: str, url: str, zip_path: Path | None = None) -> str:
    """Gradescope's build of one zip: unpacked into /autograder/source, its setup.sh run from there
    unchanged, run_autograder copied to /autograder/run_autograder."""
    zip_path = zip_path or autograder_zip(assignment)
    data = zip_path.read_bytes()
    key = _sha(data + shared.encode())
    tag = f"nn-gs/{assignment}:{key}"
    if _image_label(tag, "nn.key") == key:
        return tag
    script = (
        "mkdir -p /autograder/source /autograder/submission /autograder/results\n"
        "cd /autograder/source && python3 -m zipfile -e /nn-zip/autograder.zip .\n"
        "cp /autograder/source/run_autograder /autograder/run_autograder && chmod +x /autograder/run_autograder\n"
        "bash ./setup.sh\n"
    )
    with tempfile.TemporaryDirectory(prefix="nn-gs-zip-") as tmp:
        shutil.copy(zip_path, Path(tmp) / "autograder.zip")
        _build_in_container(shared, tag, script, url, {"nn.key": key}, mounts=[f"{tmp}:/nn-zip:ro"])
    return tag


def build_all(assignments=ASSIGNMENT_IDS, zips: dict[str, Path] | None = None) -> dict[str, str]:
    requirements = common_requirements()
    with loopback(requirements) as url:
        shared = shared_image(requirements, url)
        built = {a: zip_image(a, shared, url, (zips or {}).get(a)) for a in assignments}
    prune({BASE, shared, *built.values()})
    return built


def prune(keep: set[str]) -> None:
    """Remove this script's images of older zips (each about 1.75 GB: setup.sh's chmod copies the
    venv into the zip's layer), so that every regeneration does not leave its images behind."""
    listed = docker("images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=nn-gs/*").stdout
    old = [image for image in listed.split() if image not in keep and ":" in image and not image.endswith(":<none>")]
    if old:
        docker("rmi", *old, check=False)
    docker("image", "prune", "--force", check=False)


@dataclass
class Graded:
    exit_code: int
    results: dict | None  # results.json, or None when the run left none
    seconds: float  # the container's run, from start to exit
    log: str
    oom_killed: bool


def grade(
    image: str,
    assignment: str,
    notebook: Path,
    memory: str = "768m",
    timeout: float = 1200,
    watch=None,
    extra: tuple[str, ...] = (),
) -> Graded:
    """One submission in a fresh container with Gradescope's defaults (``memory`` aside): the
    notebook copied into /autograder/submission, /autograder/run_autograder run, results.json
    copied out. No bind mounts, no network (``extra``: more flags of ``docker create``, for a test)."""
    flags = [f if not f.startswith("--memory=") else f"--memory={memory}" for f in GRADESCOPE_DEFAULTS]
    flags += extra
    cid = docker("create", *flags, image, "/autograder/run_autograder").stdout.strip()
    try:
        with tempfile.TemporaryDirectory(prefix="nn-gs-run-") as tmp:
            sub = Path(tmp) / "submission"
            sub.mkdir()
            shutil.copy(notebook, sub / f"{assignment}.ipynb")
            docker("cp", f"{sub}/.", f"{cid}:/autograder/submission/")
            meta = Path(tmp) / "submission_metadata.json"
            meta.write_text(json.dumps({"id": 1, "assignment": {"title": assignment}}))
            docker("cp", str(meta), f"{cid}:/autograder/submission_metadata.json")
            start = time.monotonic()
            if watch is not None:  # a sampler of the running container (``measure``)
                threading.Thread(target=watch, args=(cid,), daemon=True).start()
            done = docker("start", "-a", cid, check=False, timeout=timeout)
            seconds = time.monotonic() - start
            state = json.loads(docker("inspect", "--format", "{{json .State}}", cid).stdout)
            got = docker("cp", f"{cid}:/autograder/results/results.json", tmp, check=False)
            out = Path(tmp) / "results.json"
            results = json.loads(out.read_text()) if got.returncode == 0 and out.exists() else None
            return Graded(state["ExitCode"], results, seconds, done.stdout + done.stderr, state["OOMKilled"])
    finally:
        docker("rm", "-f", cid, check=False)


class MemoryWatch:
    """Peak resident memory of the judge, its zygote, and the job (the zygote's descendants; shared
    pages count in each), and of the container's memory cgroup as a whole ("cgroup", page cache
    included; "cgroup rss", the processes' own memory, what the limit kills for), sampled every
    half second from the host."""

    def __init__(self):
        self.peaks: dict[str, int] = {}
        self.done = threading.Event()

    def __call__(self, cid: str) -> None:
        cgroup = Path("/sys/fs/cgroup/memory/docker") / cid / "memory.max_usage_in_bytes"
        while not self.done.wait(0.5):
            top = docker("top", cid, "-eo", "pid,ppid,rss,args", check=False)
            if top.returncode:
                continue
            procs = {}
            for line in top.stdout.splitlines()[1:]:
                pid, ppid, rss, args = line.split(None, 3)
                procs[pid] = (ppid, int(rss) * 1024, args)
            judge = {p for p, (_, _, a) in procs.items() if "grading.gradescope" in a}
            zygote = {p for p, (pp, _, a) in procs.items() if pp in judge and "grading.inside.zygote" in a}
            job = set()
            while True:
                more = {p for p, (pp, _, _) in procs.items() if (pp in zygote or pp in job) and p not in job}
                if not more:
                    break
                job |= more
            rest = set(procs) - judge - zygote - job
            for name, pids in (("judge", judge), ("zygote", zygote), ("job", job), ("other", rest)):
                total = sum(procs[p][1] for p in pids)
                self.peaks[name] = max(self.peaks.get(name, 0), total)
            with contextlib.suppress(OSError):
                self.peaks["cgroup"] = max(self.peaks.get("cgroup", 0), int(cgroup.read_text()))
            with contextlib.suppress(OSError, ValueError, KeyError):  # the processes' own memory, page cache left out
                stat = dict(line.split() for line in (cgroup.parent / "memory.stat").read_text().splitlines())
                self.peaks["cgroup rss"] = max(self.peaks.get("cgroup rss", 0), int(stat["total_rss"]))
            self.peaks["sum"] = max(self.peaks.get("sum", 0), sum(v[1] for v in procs.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build")
    run = sub.add_parser("run")
    run.add_argument("assignment")
    run.add_argument("notebook", type=Path)
    run.add_argument("--memory", default="768m")
    run.add_argument("--zip", type=Path, help="another autograder zip for this assignment (a trial build)")
    run.add_argument("--measure", action="store_true", help="peak memory of the judge, zygote and job")
    sub.add_parser("stop")
    args = parser.parse_args()
    if args.cmd == "stop":
        stop_engine()
        return
    start_engine()  # left running for the next command: `stop` ends it
    start = time.monotonic()
    if args.cmd == "build":
        for a, tag in build_all().items():
            print(a, tag)
        print(f"built in {time.monotonic() - start:.0f} s")
    else:
        (tag,) = build_all([args.assignment], {args.assignment: args.zip} if args.zip else None).values()
        watch = MemoryWatch() if args.measure else None
        g = grade(tag, args.assignment, args.notebook, args.memory, watch=watch)
        print(g.log[-3000:])
        if watch:
            watch.done.set()
            print("peak MiB:", {k: round(v / 2**20) for k, v in watch.peaks.items()})
        print(json.dumps(g.results, indent=1)[:3000] if g.results else "no results.json")
        print(f"exit {g.exit_code} (OOM killed: {g.oom_killed}) in {g.seconds:.1f} s")


if __name__ == "__main__":
    main()
