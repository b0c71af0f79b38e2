from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="df is the derivative 2x.")
def test_q1_df_public(df):
    for x in (0.0, 1.0, -1.5):
        got = df(x)
        assert abs(float(got) - 2 * x) < 1e-06, f"df({x}) should be f'({x}) = 2 * {x} = {2 * x}, got {got}"

@test_case(points=1, hidden=False, 
    success_message="gradient_descent starts at x0, takes the lecture's first step to 0.8, and keeps every iterate.")
def test_q1_public(gradient_descent, xs):
    got = gradient_descent(1.0, 0.1, 2)
    assert isinstance(got, list), f'gradient_descent should return a list of floats, got {type(got).__name__}'
    assert len(got) == 3, f'2 steps give 3 iterates (x0 included), but gradient_descent(1.0, 0.1, 2) has {len(got)}'
    assert abs(got[0] - 1.0) < 1e-06, f'the first iterate is x0 = 1.0, got {got[0]}'
    assert abs(got[1] - 0.8) < 1e-06, f'one step from 1.0 with lr = 0.1 gives 1 - 0.1 * 2 = 0.8, got {got[1]}'
    assert abs(got[2] - 0.64) < 1e-06, f'the second step gives 0.8 - 0.1 * 1.6 = 0.64, got {got[2]}'
    assert isinstance(xs, list) and len(xs) == 11, f'xs should hold the 11 iterates of 10 steps, got {(len(xs) if isinstance(xs, list) else type(xs).__name__)}'

