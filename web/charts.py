"""Charts drawn on the server as SVG (pygal), inline in the page: no script, nothing fetched from elsewhere."""

from __future__ import annotations

from collections.abc import Callable

import pygal
from pygal.style import Style

from activities.reports import ReportRow

# Colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphical objects).
STYLE = Style(background="white", plot_background="white", foreground="#1f2933", foreground_strong="#1f2933",
              foreground_subtle="#52606d", colors=("#1b7a3e", "#b42318", "#7a4b00", "#3a4ccf", "#6b21a8"),
              font_family="system-ui, sans-serif", label_font_size=12, major_label_font_size=12, legend_font_size=13,
              title_font_size=15)


def _svg(chart: pygal.graph.graph.Graph, description: str) -> str:
    def plain(svg):
        # pygal always embeds its configuration for its tooltips' script, which the pages do not load: no script at all.
        for parent in svg.iter():
            for child in [c for c in parent if isinstance(c.tag, str) and c.tag.rpartition("}")[2] == "script"]:
                parent.remove(child)
        # The chart is a picture with a text alternative; its numbers are in the table beside it.
        svg.set("role", "img")
        svg.set("aria-label", description)
        return svg

    # As an XML filter, the tree is written by pygal, with lxml's etree or the standard library's, whichever it uses.
    chart.add_xml_filter(plain)
    return chart.render(is_unicode=True)


def _base(kind, title: str, labels: list[str], no_data: str):
    chart = kind(style=STYLE, title=title, no_data_text=no_data, width=860, height=380, js=[], disable_xml_declaration=True, show_legend=True,
                 legend_at_bottom=True, x_label_rotation=30 if len(labels) > 8 else 0, print_values=False, explicit_size=False,
                 no_prefix=True)
    chart.x_labels = labels
    return chart


def _counted(chart, highest: int) -> None:
    """Ticks at whole numbers: a chart counts stages, and pygal would mark fractions of one (0.2, 0.4, ...)."""
    step = max(1, -(-highest // 10))
    chart.y_labels = list(range(0, highest + step, step))


def per_ministry(rows: list[ReportRow], *, title: str, labels: dict[str, str], agency_name: Callable[[str], str] = str) -> str:
    """Stacked bars per agency (named by `agency_name`): finished on time, finished late, overdue now; `labels["no_data"]`
    where none is counted."""
    agencies = [r for r in rows if r.agency != "ALL"]
    chart = _base(pygal.StackedBar, title, [agency_name(r.agency) for r in agencies], labels["no_data"])
    chart.add(labels["on_time"], [r.on_time for r in agencies])
    chart.add(labels["late"], [r.late for r in agencies])
    chart.add(labels["overdue_now"], [r.overdue_now for r in agencies])
    _counted(chart, max((r.on_time + r.late + r.overdue_now for r in agencies), default=0))
    return _svg(chart, title)


def trend(quarters: list[tuple[str, ReportRow]], *, title: str, labels: dict[str, str]) -> str:
    """Lines per quarter: finished on time, finished late, postponements, late requests."""
    chart = _base(pygal.Line, title, [label for label, _ in quarters], labels["no_data"])
    fields = ("on_time", "late", "postponed", "late_requests")
    for field in fields:
        chart.add(labels[field], [getattr(row, field) for _, row in quarters])
    _counted(chart, max((getattr(row, field) for _, row in quarters for field in fields), default=0))
    return _svg(chart, title)
