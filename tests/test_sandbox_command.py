"""The bubblewrap command line: what is hidden, what stays reachable, in which order."""

from pathlib import Path

from grading import sandbox


def _command(tmp_path, monkeypatch, root: Path) -> list[str]:
    monkeypatch.setattr(sandbox, "ROOT", root)
    work = tmp_path / "work"
    return sandbox.command(["python", "-c", "pass"], work, sandbox.Limits(), hide=[tmp_path / "class"], uid=None)


def test_course_under_tmp_stays_reachable_after_the_private_tmp(tmp_path, monkeypatch):
    cmd = _command(tmp_path, monkeypatch, Path("/tmp/clone"))
    assert cmd.index("/tmp") < cmd.index("/tmp/clone"), "the clone must be bound back after /tmp is replaced"
    assert cmd[cmd.index("/tmp/clone") - 1] == "--ro-bind"


def test_tests_solutions_and_other_submissions_are_hidden(tmp_path, monkeypatch):
    root = tmp_path / "course"
    for name in ("solutions", "autograder", "tests"):
        (root / name).mkdir(parents=True)
    (tmp_path / "class").mkdir()
    cmd = _command(tmp_path, monkeypatch, root)
    for hidden in (root / "solutions", root / "autograder", root / "tests", tmp_path / "class"):
        assert cmd[cmd.index(str(hidden)) - 1] == "--tmpfs", f"{hidden} should be masked"
    assert cmd[cmd.index("--bind") + 1] == str(tmp_path / "work"), "only the work folder is writable"
    assert "--unshare-net" in cmd or "--unshare-all" in cmd
