from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=1, hidden=False, 
    success_message="xs starts at 1.0, takes the lecture's first step to 0.8 and has 11 entries.")
def test_q1_public(xs):
    assert isinstance(xs, list), f'xs should be a list of floats, got {type(xs).__name__}'
    assert len(xs) == 11, f'10 steps give 11 iterates (x0 included), but xs has {len(xs)}'
    assert abs(xs[0] - 1.0) < 1e-12, f'the first iterate is x0 = 1.0, got {xs[0]}'
    assert abs(xs[1] - 0.8) < 1e-09, f'one step from 1.0 with lr = 0.1 gives 0.8, got {xs[1]}'

@test_case(points=2, hidden=True)
def test_q1_iterates(df, gradient_descent):
    for x in (-3.0, 0.5, 2.0):
        assert abs(df(x) - 2 * x) < 1e-12, f'df({x}) should be {2 * x}'
    for x0, lr, n in ((1.0, 0.1, 10), (-2.5, 0.3, 7), (4.0, 0.7, 5), (1.0, 1.2, 6)):
        got = gradient_descent(x0, lr, n)
        assert len(got) == n + 1, f'{n} steps should give {n + 1} iterates, got {len(got)}'
        for k, value in enumerate(got):
            want = x0 * (1 - 2 * lr) ** k
            assert abs(float(value) - want) <= 1e-09 * max(1.0, abs(want)), f'iterate {k} for x0={x0}, lr={lr} should be {want}, got {value}'

