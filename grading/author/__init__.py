"""``make student`` (course staff's authoring): the student versions, the autograder zips and the
demo classes, generated from ``solutions/`` (``assign``), with simulated students kept as edits of
the reference (``simulated``) and a demo class per assignment (``demo_class``)."""
