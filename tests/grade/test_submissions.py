"""Who handed in what (grading/grade/submissions.py): every file becomes a submission or a skip,
and a student's newest hand-in is the one graded."""

from __future__ import annotations

from grading.grade.submissions import collect, handed_in_at, keep_newest, owner_of


def test_otter_time_stamps_decide_over_file_times(tmp_path):
    (tmp_path / "dan").mkdir()
    early, late = (
        tmp_path / "dan" / "nb_2026_01_02T10_00_00_000000.zip",
        tmp_path / "dan" / "nb_2026_01_03T09_00_00_000000.zip",
    )
    late.write_text("x")
    early.write_text("x")  # written last, handed in first
    kept, skipped, notes = keep_newest(collect(tmp_path)[0])
    assert [s.path for s in kept] == [late] and [s.path for s in skipped] == [early]


def _touch(folder, *names):
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")


def test_a_top_level_name_never_claims_a_sub_folders_student(tmp_path):
    """Before, a file called bob.ipynb at the top was taken as bob's newer hand-in, and bob's own
    folder was skipped: anyone could displace anyone by naming a file."""
    _touch(tmp_path, "bob/hw.ipynb", "bob.ipynb")
    kept, skipped, _ = keep_newest(collect(tmp_path)[0])
    assert sorted(s.name for s in kept) == ["bob.ipynb", "bob/hw.ipynb"] and not skipped


def test_canvas_downloads_are_one_student_and_the_latest_upload_wins(tmp_path):
    _touch(
        tmp_path,
        "smithjohn_12345_67891_03-trainer-1.ipynb",
        "smithjohn_12345_67890_03-trainer.ipynb",
        "doejane_late_22222_67000_03-trainer.ipynb",
    )
    kept, skipped, notes = keep_newest(collect(tmp_path)[0])
    assert sorted(s.name for s in kept) == [
        "doejane_late_22222_67000_03-trainer.ipynb",
        "smithjohn_12345_67891_03-trainer-1.ipynb",
    ]
    assert [s.path.name for s in skipped] == ["smithjohn_12345_67890_03-trainer.ipynb"]
    assert "newest of 2" in notes["smithjohn_12345_67891_03-trainer-1.ipynb"]
    assert owner_of(kept[1]).id == "canvas:12345"


def test_an_impossible_date_in_a_name_falls_back_to_the_file_time(tmp_path):
    """Month 13 used to end the whole run with a ValueError: no gradebook for anyone."""
    _touch(tmp_path, "eve/nb_2024_13_45T99_99_99_0.zip", "eve/nb_2026_01_02T10_00_00_000000.zip")
    kept, skipped, notes = keep_newest(collect(tmp_path)[0])
    assert len(kept) == 1 and len(skipped) == 1
    when = {s.path.name: handed_in_at(s) for s in [*kept, *(collect(tmp_path)[0])]}
    assert (
        when["nb_2024_13_45T99_99_99_0.zip"][1]
        == "the date in its file name is not a real date: its file time was used"
    )
    assert when["nb_2026_01_02T10_00_00_000000.zip"][1] is None


def test_canvas_names_keep_unicode_letters_in_either_normal_form(tmp_path):
    """Canvas drops only non-word characters from the name, so accents stay, composed (NFC) or, from
    a Mac's file system, decomposed (NFD); "LATE" and a "-1" resubmission are Canvas's own."""
    import unicodedata

    names = [
        "peñajosé_101003_7003_03-trainer.ipynb",
        unicodedata.normalize("NFD", "müllerjürgen_LATE_101013_7013_03-trainer.ipynb"),
        unicodedata.normalize("NFD", "núñezmaría_101006_7002_03-trainer.ipynb"),
        unicodedata.normalize("NFD", "núñezmaría_LATE_101006_7060_03-trainer-1.ipynb"),
        "o_brien_101007_7007_hw.ipynb",  # "_" is a word character: Canvas keeps it
    ]
    _touch(tmp_path, *names)
    kept, skipped, _ = keep_newest(collect(tmp_path)[0])
    assert sorted(owner_of(s).id for s in kept) == [f"canvas:{i}" for i in ("101003", "101006", "101007", "101013")]
    assert [s.path.name for s in skipped] == [names[2]], "the LATE -1 upload is the newer attachment"


def test_a_name_canvas_would_not_write_is_its_own_student(tmp_path):
    _touch(tmp_path, "my notes_1_2_x.ipynb", "a.b_12_34_x.ipynb")
    kept, _, _ = keep_newest(collect(tmp_path)[0])
    assert sorted(owner_of(s).id for s in kept) == ["file:a.b_12_34_x", "file:my notes_1_2_x"]


def test_only_a_file_that_is_no_notebook_is_unreadable(tmp_path):
    from grading.grade.submissions import unreadable

    (tmp_path / "ok.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    (tmp_path / "cut.ipynb").write_text('{"cells": [{"cell_type": "co')
    (tmp_path / "empty.zip").write_bytes(b"")
    assert [unreadable(tmp_path / n) for n in ("ok.ipynb", "cut.ipynb", "empty.zip")] == [False, True, True]
