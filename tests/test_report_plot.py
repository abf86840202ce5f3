"""The report PNG's panels: bars for categories (no order to connect), lines for levels, a held-out
panel that says there is no eval yet instead of an empty axis, and whole-number round ticks."""

import pyarrow as pa
import pytest

from conftest import sample_row
from expo_data.db import connect
from expo_data.schema import rows_to_table
from expo_data.select import held_out, report_figure
from expo_data.shards import write_round


def _round(tmp_path, by_category: bool):
    rows = []
    for p, group in enumerate(["geometry", "algebra", "number theory", "algebra"]):
        for i in range(2):
            row = sample_row(f"p{p}", "attempt", i, correct=(p + i) % 2 == 0, policy_mean=-0.5)
            row.update(level=None if by_category else p + 1, category=group if by_category else None)
            rows.append(row)
    out = tmp_path / ("cat" if by_category else "lvl")
    write_round(out, [rows_to_table(rows)], {"round": 1, "base_model": "m", "base_model_sha256": None, "adapter": None,
                                             "num_problems": 4})
    return out


@pytest.mark.parametrize("by_category", [True, False])
def test_groups_and_empty_eval_panel(tmp_path, by_category):
    import matplotlib.pyplot as plt

    out = _round(tmp_path, by_category)
    fig = report_figure(connect([out]), held_out([out]))
    accuracy, hard, evals = fig.axes[1], fig.axes[2], fig.axes[3]
    for ax in (accuracy, hard):
        if by_category:
            assert ax.containers and not ax.lines  # bars, no connecting line
            assert [t.get_text() for t in ax.get_xticklabels()] == ["algebra", "geometry", "number theory"]
            assert [round(b.get_height(), 3) for b in accuracy.containers[0]] == [0.5, 0.5, 0.5] or ax is hard
        else:
            assert ax.lines and not ax.containers
    assert any("no eval yet" in t.get_text() for t in evals.texts)
    plt.close(fig)


@pytest.mark.parametrize("rounds", [(0, 1, 2), (1,), (3,), (0, 5), tuple(range(30))])
def test_round_ticks_are_whole_numbers(tmp_path, rounds):
    """One round alone too: a locator falls back to 0.95 .. 1.05 there (seen in the demo round's view)."""
    import matplotlib.pyplot as plt

    out = _round(tmp_path, True)
    evals = pa.Table.from_pylist([{"round": r, "level": "all", "pass_at_1": 0.01 * r, "pass_at_k": 0.2, "k": 4,
                                   "sampled_accuracy": 0.1} for r in rounds])
    fig = report_figure(connect([out]), evals)
    fig.canvas.draw()
    labels = [t.get_text().replace("\u2212", "-") for t in fig.axes[3].get_xticklabels() if t.get_text()]
    assert labels and all(float(x) == int(float(x)) and "." not in x for x in labels), labels
    assert not any("no eval yet" in t.get_text() for t in fig.axes[3].texts)
    plt.close(fig)
