"""What a grading run writes for people: the gradebook CSV (``gradebook``), feedback per student
(``feedback``), the class report (``report``), and the cache that makes a rerun resume (``cache``).
Everything here reads the judge's typed rows (``grading.judge.outcome``); nothing here decides a score."""
