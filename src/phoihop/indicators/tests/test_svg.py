"""The dashboard's SVG chart helpers and Vietnamese number formats (indicators/svg.py)."""

from ..svg import bar_chart, funnel_chart, hbar_chart, line_chart, vn_money_short, vn_number, vn_percent


def test_vietnamese_number_formats():
    assert vn_number(6065) == "6.065"
    assert vn_number(17_234_567_890) == "17.234.567.890"
    assert vn_number(None) == "—"
    assert vn_percent(45.25) == "45,2%" or vn_percent(45.25) == "45,3%"
    assert vn_percent(100.0) == "100%"
    assert vn_money_short(175_400_000_000) == ("175,4", "tỷ đồng")
    assert vn_money_short(650_000_000) == ("650", "triệu đồng")


def test_svg_helpers_escape_labels_and_read_out_the_figures():
    chart = bar_chart(title="Số <b> & CĐCS", labels=["2021", "2022"], values=[1200, None])
    assert "<b>" not in chart and "Số &lt;b&gt; &amp; CĐCS" in chart
    assert "2021: 1.200; 2022: —" in chart
    line = line_chart(
        title="Xu hướng", labels=["2021", "2022"], series=[("Đoàn viên", [1, 2]), ("Đảng viên", [0, 1])]
    )
    assert line.count("<polyline") == 2 and ">Đảng viên</text>" in line
    bars = hbar_chart(title="Xếp hạng", items=[("LĐLĐ huyện Bát Xát", 120.0)], reference=100, fmt=vn_percent)
    assert "120%" in bars and 'stroke-dasharray="4 3"' in bars
    funnel = funnel_chart(title="Từ đoàn viên", stages=[("Giới thiệu", 7675, ""), ("Kết nạp", 4884, "63,6%")])
    assert "7.675" in funnel and "4.884  (63,6%)" in funnel
