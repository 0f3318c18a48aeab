"""The trajectory chart renderer on its own: geometry, shaded periods, dose marks, the band, the
expected course, accessibility and escaping. Coordinates are worked by hand from the layout
constants (plot area x 64–700, y 40–264 for the default 720 × 360 chart)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from qadam.reports import charts
from qadam.reports.charts import Band, Chart, Dose, ExpectedCourse, Legend, Period, Point, layout, render

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def base_chart(**changes) -> Chart:
    """HFMSE 30 → 34 over a year with nusinersen from the baseline day on."""
    values = dict(
        id="hfmse",
        title="HFMSE over time",
        description="Four results",
        x_label="Date",
        y_label="HFMSE total",
        points=(
            Point(date(2025, 1, 6), 30.0, "6 Jan 2025: 30"),
            Point(date(2025, 7, 6), 32.0, "6 Jul 2025: 32"),
            Point(date(2026, 1, 6), 34.0, "6 Jan 2026: 34"),
        ),
        periods=(Period(date(2025, 1, 6), None, "Nusinersen"),),
        doses=(Dose(date(2025, 1, 6), "12 mg"), Dose(date(2025, 1, 20), "12 mg")),
        bands=(Band(date(2025, 1, 6), date(2026, 1, 6), 27.0, 33.0, "±3"),),
        expected=(ExpectedCourse(date(2025, 1, 6), date(2026, 1, 6), 30.0, -0.5, "−0.5 a year"),),
        bounds=(0, 66),
        min_span=12,
        today=date(2026, 1, 6),
    )
    values.update(changes)
    return Chart(**values)


def test_time_range_has_room_on_both_sides():
    frame = layout(base_chart())
    # 365 days between the first and last date: 3 % is 11 days, so the minimum of 15 applies.
    assert frame.first == date(2024, 12, 22)
    assert frame.last == date(2026, 1, 21)


def test_value_range_is_rounded_and_holds_everything():
    frame = layout(base_chart())
    # Values 27 (band) … 34; span 7 < min_span 12 → 24.5 … 36.5; 8 % room → 23.54 … 37.46;
    # 13.92 / 5 ticks = 2.78 → step 5; rounded out to whole steps: 20 … 40.
    assert (frame.low, frame.high) == (20, 40)
    assert frame.y_ticks == (20, 25, 30, 35, 40)


def test_value_range_never_leaves_the_instrument_range():
    frame = layout(
        base_chart(points=(Point(date(2025, 1, 6), 1.0), Point(date(2026, 1, 6), 65.0)), bands=(), expected=())
    )
    assert frame.low >= 0 and frame.high <= 66


def test_points_sit_at_their_coordinates():
    chart = base_chart()
    frame = layout(chart)
    circles = parse(render(chart)).findall(f".//{SVG}g[@class='q-chart__scores']/{SVG}circle")
    assert [c.get("data-day") for c in circles] == ["2025-01-06", "2025-07-06", "2026-01-06"]
    # 2025-01-06 is 15 days after the first day of a 395-day frame 636 units wide: 64 + 15 × 636 / 395.
    assert float(circles[0].get("cx")) == pytest.approx(64 + 15 * 636 / 395, abs=0.01)
    # 30 on a 20–40 axis 224 units high: 264 − 10 × 224 / 20 = 152; 34: 264 − 14 × 11.2 = 107.2.
    assert float(circles[0].get("cy")) == pytest.approx(152.0)
    assert float(circles[2].get("cy")) == pytest.approx(107.2)
    for circle, point in zip(circles, chart.points, strict=True):
        assert float(circle.get("cx")) == frame.x(point.day)
        assert float(circle.get("cy")) == frame.y(point.value)
        assert circle.find(f"{SVG}title").text == point.label
    line = parse(render(chart)).find(f".//{SVG}polyline")
    assert line.get("points").split()[0] == f"{frame.x(date(2025, 1, 6))},{frame.y(30.0)}"


def test_points_are_drawn_in_date_order_whatever_the_input_order():
    chart = base_chart(points=tuple(reversed(base_chart().points)))
    circles = parse(render(chart)).findall(f".//{SVG}circle[@data-day]")
    assert [c.get("data-day") for c in circles] == ["2025-01-06", "2025-07-06", "2026-01-06"]


def test_running_therapy_is_shaded_to_today():
    chart = base_chart()
    frame = layout(chart)
    group = parse(render(chart)).find(f".//{SVG}g[@data-period-start='2025-01-06']")
    rect = group.find(f"{SVG}rect")
    assert float(rect.get("x")) == frame.x(date(2025, 1, 6))
    assert float(rect.get("x")) + float(rect.get("width")) == pytest.approx(frame.x(date(2026, 1, 6)), abs=0.02)
    assert float(rect.get("y")) == frame.top and float(rect.get("height")) == frame.bottom - frame.top
    assert rect.get("fill") == "url(#hfmse-hatch)"
    assert group.find(f"{SVG}text").text == "Nusinersen"
    lane = group.find(f"{SVG}rect[@class='q-chart__lane']")
    assert (float(lane.get("x")), float(lane.get("y"))) == (frame.x(date(2025, 1, 6)), 20)


def test_stopped_therapy_is_shaded_to_its_stop_day_and_clipped_to_the_frame():
    chart = base_chart(periods=(Period(date(2020, 1, 1), date(2025, 7, 6), "Risdiplam"),))
    frame = layout(chart)
    rect = parse(render(chart)).find(f".//{SVG}g[@data-period-start='2020-01-01']/{SVG}rect")
    assert float(rect.get("x")) == frame.left  # started before the first result: clipped
    assert float(rect.get("x")) + float(rect.get("width")) == pytest.approx(frame.x(date(2025, 7, 6)), abs=0.02)


def test_doses_are_marked_on_the_time_axis():
    chart = base_chart()
    frame = layout(chart)
    marks = parse(render(chart)).findall(f".//{SVG}g[@class='q-chart__doses']/{SVG}path")
    assert [m.get("data-day") for m in marks] == ["2025-01-06", "2025-01-20"]
    tip = marks[1].get("d").split()[0]
    assert tip == f"M{frame.x(date(2025, 1, 20))},{frame.bottom - 9}"
    assert marks[0].find(f"{SVG}title").text == "12 mg"


def test_doses_of_a_course_sit_on_its_lane_above_the_plot():
    chart = base_chart(
        periods=(Period(date(2025, 1, 6), None, "Nusinersen"), Period(date(2025, 6, 1), None, "Risdiplam")),
        doses=(Dose(date(2025, 1, 6), "12 mg", 0), Dose(date(2025, 6, 1), "5 mg", 1)),
    )
    frame = layout(chart)
    # Two lanes of 22 above the plot: the plot starts at 18 + 2 × 22 = 62 and is 224 high.
    assert (frame.top, frame.bottom) == (62, 286)
    root = parse(render(chart))
    first, second = root.findall(f".//{SVG}g[@class='q-chart__doses']/{SVG}path")
    # Lane 0 starts at 8, lane 1 at 30; a dose points down from 11 below its lane's top, 9 high.
    x = frame.x(date(2025, 1, 6))
    assert first.get("d") == f"M{round(x - 4.5, 2)},19 L{round(x + 4.5, 2)},19 L{x},28 Z"
    assert second.get("d").split()[0] == f"M{round(frame.x(date(2025, 6, 1)) - 4.5, 2)},41"
    lanes = root.findall(f".//{SVG}rect[@class='q-chart__lane']")
    assert [float(r.get("y")) for r in lanes] == [20, 42]
    labels = [t.text for t in root.findall(f".//{SVG}g[@data-period-start]/{SVG}text")]
    assert labels == ["Nusinersen", "Risdiplam"]
    assert int(root.get("height")) >= 286 + charts.MARGIN_BOTTOM  # taller when the legend wraps


def test_band_covers_the_meaningful_change_around_the_baseline():
    chart = base_chart()
    frame = layout(chart)
    group = parse(render(chart)).find(f".//{SVG}g[@data-band-low]")
    assert (group.get("data-band-low"), group.get("data-band-high")) == ("27", "33")
    rect = group.find(f"{SVG}rect")
    assert float(rect.get("y")) == frame.y(33.0)
    assert float(rect.get("y")) + float(rect.get("height")) == pytest.approx(frame.y(27.0))
    assert float(rect.get("x")) == frame.x(date(2025, 1, 6))
    assert float(rect.get("width")) == pytest.approx(frame.x(date(2026, 1, 6)) - frame.x(date(2025, 1, 6)), abs=0.02)


def test_expected_course_is_a_dashed_line_from_the_baseline():
    chart = base_chart()
    frame = layout(chart)
    line = parse(render(chart)).find(f".//{SVG}g[@class='q-chart__expected']/{SVG}line")
    assert line.get("stroke-dasharray")
    assert float(line.get("y1")) == frame.y(30.0)
    # 365 days at −0.5 a year of 365.25 days: 30 − 0.4997 = 29.5003.
    assert float(line.get("y2")) == frame.y(30.0 - 0.5 * 365 / 365.25)
    assert float(line.get("x2")) == frame.x(date(2026, 1, 6))


def test_accessible_name_and_description():
    root = parse(render(base_chart(title="HFMSE <trajectory> & co", description="Results: 30, 32, 34")))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "hfmse-title"
    assert root.get("aria-describedby") == "hfmse-desc"
    assert root[0].tag == f"{SVG}title" and root[0].text == "HFMSE <trajectory> & co"
    assert root.find(f"{SVG}desc").text == "Results: 30, 32, 34"


def test_words_come_from_the_caller():
    chart = base_chart(
        x_label="Бағалау күні",
        y_label="HFMSE жалпы",
        legend=Legend(scores="Нәтиже", therapy="Ем", dose="Доза", band="Маңызды өзгеріс", expected="Емсіз күтілетін"),
        format_day=lambda d: f"{d.month:02d}.{d.year}",
        format_number=lambda v: f"{v:.1f}".replace(".", ","),
    )
    root = parse(render(chart))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Бағалау күні" in texts and "HFMSE жалпы" in texts
    assert {"Нәтиже", "Ем", "Доза", "Маңызды өзгеріс", "Емсіз күтілетін"} <= set(texts)
    assert "20,0" in texts
    assert "01.2025" in texts


def test_month_ticks_are_round_and_few():
    assert charts._month_ticks(date(2024, 12, 22), date(2026, 1, 21)) == (
        date(2025, 1, 1),
        date(2025, 3, 1),
        date(2025, 5, 1),
        date(2025, 7, 1),
        date(2025, 9, 1),
        date(2025, 11, 1),
        date(2026, 1, 1),
    )
    ticks = charts._month_ticks(date(2015, 6, 1), date(2026, 6, 1))
    assert len(ticks) <= charts.MAX_X_TICKS and all(t.month == 1 for t in ticks)


def test_legend_shows_only_what_is_drawn():
    root = parse(render(base_chart(periods=(), doses=(), bands=(), expected=(), today=None)))
    legend = root.find(f".//{SVG}g[@class='q-chart__legend']")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["Score"]


def test_a_long_legend_wraps_and_the_chart_grows():
    long = Legend(*(("x" * 60),) * 5)
    svg = render(base_chart(legend=long))
    root = parse(svg)
    assert int(root.get("height")) > charts.HEIGHT
    assert root.get("viewBox") == f"0 0 720 {root.get('height')}"


def test_single_result_and_flat_values_still_draw():
    root = parse(
        render(base_chart(points=(Point(date(2025, 1, 6), 30.0),), bands=(), expected=(), periods=(), doses=()))
    )
    assert len(root.findall(f".//{SVG}circle[@data-day]")) == 1
    assert root.find(f".//{SVG}polyline") is None


def test_ids_are_safe_and_unique_per_chart():
    svg = render(base_chart(id='rulm L"><script>'))
    root = parse(svg)
    assert root.get("id") == "rulm-L---script-"
    assert "<script" not in svg


def test_no_external_reference_and_no_script():
    svg = render(base_chart())
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in svg and "href" not in svg


def test_the_renderer_imports_only_the_standard_library():
    from pathlib import Path

    from ..purity import foreign_imports

    assert foreign_imports([Path(charts.__file__)], allowed=()) == []


def test_old_doses_do_not_stretch_the_time_axis_back():
    old = tuple(Dose(date(2019, 1, day), "12 mg") for day in (7, 21))
    chart = base_chart(doses=old + base_chart().doses, periods=(Period(date(2019, 1, 7), None, "Nusinersen"),))
    frame = layout(chart)
    assert frame.first == date(2024, 12, 22)
    marks = parse(render(chart)).findall(f".//{SVG}g[@class='q-chart__doses']/{SVG}path")
    assert [m.get("data-day") for m in marks] == ["2025-01-06", "2025-01-20"]  # the 2019 doses are off the chart
    rect = parse(render(chart)).find(f".//{SVG}g[@data-period-start='2019-01-07']/{SVG}rect")
    assert float(rect.get("x")) == frame.left


def test_a_course_after_the_last_result_stretches_the_axis_forward():
    chart = base_chart(periods=(Period(date(2026, 6, 1), date(2026, 9, 1), "Risdiplam"),), today=None)
    # 6 January 2025 → 1 September 2026 is 603 days; 3 % room is 18 days on each side.
    assert (layout(chart).first, layout(chart).last) == (date(2024, 12, 19), date(2026, 9, 19))


def test_tick_labels_stay_inside_the_chart():
    chart = base_chart(format_day=lambda d: f"{d:%B %Y} with a long label")
    texts = [t for t in parse(render(chart)).iter(f"{SVG}text") if (t.text or "").endswith("label")]
    assert texts and len(texts) < len(layout(chart).x_ticks)  # the last one would be cut: left out
    for text in texts:
        x, width = float(text.get("x")), charts._text_width(text.text)
        assert text.get("text-anchor") == "middle" and 0 <= x - width / 2 and x + width / 2 <= chart.width


def test_overlapping_courses_share_the_shade():
    periods = tuple(Period(date(2025, 1, 6), None, f"Drug {i}") for i in range(4))
    rects = parse(render(base_chart(periods=periods))).findall(f".//{SVG}g[@data-period-start]/{SVG}rect")
    assert {r.get("fill-opacity") for r in rects if r.get("fill-opacity")} == {"0.15"}


def test_the_module_example_runs():
    import doctest

    assert doctest.testmod(charts).failed == 0
