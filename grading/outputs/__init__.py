"""What a grading run writes for people: the gradebook CSV (``gradebook``), feedback per student
(``feedback``), the class report (``report``), the written questions' page and the TA's marks
(``written_page``, ``marks``), and the cache that makes a rerun resume (``cache``).
Everything here reads the judge's typed rows (``grading.judge.outcome``); nothing here decides a score
(``marks`` adds the TA's own)."""
